// Profiles in words: the warning for a profile asked for that no unit has (compose ignores one; a typo is likely).
import type { ProfileSelection } from '../../contract/spec.js';
import { suggest } from '../../config/suggest.js';

/** One line per unknown profile: `no unit has profile "debgu"; did you mean "debug"?`. */
export function profileWarnings(selection: ProfileSelection | undefined): string[] {
  if (!selection) return [];
  return selection.unknown.map((profile) => {
    const best = suggest(profile, selection.defined);
    if (best !== undefined) return `no unit has profile "${profile}"; did you mean "${best}"?`;
    const known = selection.defined.length > 0 ? `the project's profiles: ${selection.defined.join(', ')}` : 'no unit of the project has profiles';
    return `no unit has profile "${profile}" (${known})`;
  });
}
