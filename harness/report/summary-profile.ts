import { CATEGORY_LABELS, PROFILE_CATEGORIES, type ProfileCategory } from '../results/profile-types.js';
import type { Attribution } from './attribution.js';
import type { MdTable } from './summary-micro.js';

const signed = (x: number) => `${x >= 0 ? '+' : ''}${Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)}`;

/** Categories any profiled layer has time in: a table of only zeros says nothing. */
export function categoriesShown(attribution: Attribution): ProfileCategory[] {
  return PROFILE_CATEGORIES.filter((c) =>
    attribution.steps.some(
      (s) => s.profile && (s.profile.categoryUs[c] >= 0.05 || Math.abs(s.profile.incrementUs?.[c] ?? 0) >= 0.05),
    ),
  );
}

/** Per layer, what the profile places of its increment in each category (µs per request, paired by round). */
export function profileMd(attribution: Attribution): MdTable | null {
  const steps = attribution.steps.filter((s) => s.profile?.incrementUs);
  if (steps.length === 0) return null;
  const shown = categoriesShown(attribution);
  return {
    header: [
      'layer',
      ...shown.map((c) => CATEGORY_LABELS[c]),
      'off the main thread',
      'remainder',
      'profiler thread',
      'profiled − measured window',
    ],
    rows: steps.map((s) => [
      `${s.layer.index} ${s.layer.name}`,
      ...shown.map((c) => signed(s.profile!.incrementUs![c])),
      s.profile!.offMainUs !== null ? signed(s.profile!.offMainUs) : '–',
      s.remainderUs !== null ? signed(s.remainderUs) : '–',
      s.profile!.profilerThreadUs !== null ? signed(s.profile!.profilerThreadUs) : '–',
      s.profile!.profiledOverMeasuredUs !== null ? signed(s.profile!.profiledOverMeasuredUs) : '–',
    ]),
  };
}
