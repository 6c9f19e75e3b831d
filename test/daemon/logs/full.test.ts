// The full-disk pause's pieces: which errors count, the marker's text, free space of a real folder.
import { describe, expect, it } from 'vitest';
import { diskFullMarker } from '../../../src/daemon/logs/full.js';
import { hasRoom, isDiskFull, noSpace } from '../../../src/util/disk-space.js';
import { tempDir } from '../../helpers/tmp.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('full disk', () => {
  it('counts ENOSPC and EDQUOT as a full disk, nothing else', () => {
    expect([errno('ENOSPC'), errno('EDQUOT'), errno('EACCES'), new Error('x'), undefined].map(isDiskFull)).toEqual([true, true, false, false, false]);
  });

  it('words the marker with the pause and any bytes known lost', () => {
    expect(diskFullMarker(12_345, 0)).toBe('compute: output may be missing here (not kept: disk full for 12.3 s)');
    expect(diskFullMarker(800, 4096)).toBe('compute: output may be missing here (not kept: disk full for 0.8 s; 4096 bytes known lost)');
  });

  it('sees room in a temp folder, and treats a folder it cannot look at as having room', () => {
    const dir = tempDir();
    expect([noSpace(dir), hasRoom(dir)]).toEqual([false, true]);
    expect([noSpace(`${dir}/missing`), hasRoom(`${dir}/missing`)]).toEqual([false, true]);
  });
});
