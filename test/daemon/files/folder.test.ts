// Folders held open by fd (what units, commands and overlays work in): opened inside the root, through symlinks that
// stay inside, and usable as a child's cwd after the name was swapped.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inFolder, openFolder } from '../../../src/daemon/files/folder.js';
import { PathEscapeError } from '../../../src/contract/paths.js';
import { tempDir } from '../../helpers/tmp.js';

describe('openFolder', () => {
  it('opens a folder through a symlink inside the root, and names it by its real path', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'app/src'), { recursive: true });
    symlinkSync('app', join(root, 'in'));
    const real = await inFolder(root, '/in/src', (folder) => folder.real);
    expect(real).toBe(join(realpathSync(root), 'app/src'));
  });

  it('refuses a symlink that leaves the root, and a file; makes missing folders when asked', async () => {
    const root = tempDir();
    symlinkSync(tempDir(), join(root, 'out'));
    execFileSync('touch', [join(root, 'file')]);
    await expect(openFolder(root, '/out')).rejects.toThrow(PathEscapeError);
    await expect(openFolder(root, '/file')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(openFolder(root, '/new/deep')).rejects.toMatchObject({ code: 'ENOENT' });
    const made = await openFolder(root, '/new/deep', { create: true });
    made.close();
    expect(made.real).toBe(join(realpathSync(root), 'new/deep'));
  });

  it('is a cwd that follows the folder, not its name, once opened', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'd'));
    const folder = await openFolder(root, '/d');
    try {
      // The name now leads elsewhere; the fd still names the folder that was opened.
      renameSync(join(root, 'd'), join(root, 'moved'));
      symlinkSync(tempDir(), join(root, 'd'));
      const pwd = spawnSync('/bin/sh', ['-c', 'pwd -P'], { cwd: folder.path, encoding: 'utf8' });
      expect(pwd.stdout).toBe(`${join(realpathSync(root), 'moved')}\n`);
    } finally {
      folder.close();
    }
  });
});
