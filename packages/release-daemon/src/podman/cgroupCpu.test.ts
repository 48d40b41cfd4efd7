import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCgroupCpuSeconds } from './cgroupCpu';

describe('readCgroupCpuSeconds', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cgroup-'));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };

  it('reads cgroup v1 cpuacct.usage (ns), then v2 cpu.stat usage_usec', () => {
    write('cpuacct/libpod_parent/p/libpod-a/cpuacct.usage', '126960627\n');
    write(
      'libpod_parent/p/libpod-b/cpu.stat',
      'usage_usec 2500000\nuser_usec 1\n',
    );
    write('unified/libpod_parent/p/libpod-c/cpu.stat', 'usage_usec 1000\n');
    expect(readCgroupCpuSeconds('/libpod_parent/p/libpod-a', root)).toBeCloseTo(
      0.126960627,
      9,
    );
    expect(readCgroupCpuSeconds('/libpod_parent/p/libpod-b', root)).toBe(2.5);
    expect(readCgroupCpuSeconds('/libpod_parent/p/libpod-c', root)).toBe(0.001);
  });

  it('gives undefined when nothing is readable or the path is odd', () => {
    expect(readCgroupCpuSeconds('/libpod_parent/none', root)).toBeUndefined();
    expect(readCgroupCpuSeconds('', root)).toBeUndefined();
    expect(readCgroupCpuSeconds('/../etc', root)).toBeUndefined();
  });
});
