/**
 * Benchmark of the exposure reasoning on a large synthetic inventory. Performance is measured here, never
 * in a timed test. Run: `npx tsx --expose-gc scripts/bench-exposure.ts` (or `node --expose-gc
 * --import tsx scripts/bench-exposure.ts`); `--scale 2` doubles every count.
 */

import { parseIntent } from '../app/intent-file.ts';
import { exposureUnintendedEntry } from '../checks/exposure/unintended-entry.ts';
import { exposureModel } from '../evaluate/exposure/paths.ts';
import { generateLargeInventory, LARGE_DEFAULTS } from '../test/fixtures/large-inventory.ts';

const scaleArg = process.argv.indexOf('--scale');
const scale = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const options = Object.fromEntries(
  Object.entries(LARGE_DEFAULTS).map(([k, v]) => [
    k,
    k === 'seed' || k === 'rulesPerGroup' || k === 'resourcesPerApi' || k === 'enisPerSubnet'
      ? v
      : Math.round(v * scale),
  ]),
);
const inventory = generateLargeInventory(options);
const intent = parseIntent('version: 1\nprofile: private-backend\n', 'bench intent');
const counts = {
  vpcs: inventory.ec2.vpcs.length,
  subnets: inventory.ec2.subnets.length,
  securityGroups: inventory.ec2.securityGroups.length,
  sgRules: inventory.ec2.securityGroups.reduce((n, g) => n + g.rules.length, 0),
  networkInterfaces: inventory.ec2.networkInterfaces.length,
  loadBalancers: inventory.elbv2.loadBalancers.length,
  distributions: inventory.cloudfront.distributions.length,
  restApis: inventory.apigateway.restApis.length,
  apiResources: inventory.apigateway.restApis.reduce((n, a) => n + a.resources.length, 0),
};
console.log('inventory', counts);

// Warm-up so the JIT has compiled the hot paths before measuring.
exposureModel(inventory, intent);

const runs = 5;
const times: number[] = [];
let paths = 0;
let findings = 0;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let heapPeak = heapBefore;
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  const model = exposureModel(inventory, intent);
  times.push(performance.now() - start);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  paths = model.paths.length;
}
const checkStart = performance.now();
findings = exposureUnintendedEntry.evaluate({ inventory, intent, now: new Date(), checks: [] }).length;
const checkMs = performance.now() - checkStart;

times.sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      scale,
      runs,
      medianMs: Number(times[Math.floor(runs / 2)]!.toFixed(1)),
      minMs: Number(times[0]!.toFixed(1)),
      maxMs: Number(times[runs - 1]!.toFixed(1)),
      checkWithMessagesMs: Number(checkMs.toFixed(1)),
      paths,
      findings,
      heapBefore: mb(heapBefore),
      heapPeakDuringRuns: mb(heapPeak),
      heapGrowth: mb(heapPeak - heapBefore),
      gcExposed: gc !== undefined,
    },
    null,
    2,
  ),
);
