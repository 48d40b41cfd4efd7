import type * as Server from '@slipway/release-manager';
import type * as Mirror from '@slipway/plugin-release-manager-common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * @slipway/plugin-release-manager-common carries a copy of the release manager's API
 * types (packages/release-manager/src/http/types.ts), so the browser bundle does not
 * depend on the server package. This test fails when the two drift apart.
 */

// Type-level: `yarn tsc` fails here if the shapes the backend relies on diverge.
const status: Mirror.StatusResponse = {} as Server.StatusResponse;
const release: Server.ReleaseRequest = {} as Mirror.ReleaseRequest;
const events: Mirror.EventsResponse = {} as Server.EventsResponse;
const policies: Mirror.ListPoliciesResponse = {} as Server.ListPoliciesResponse;
const releases: Mirror.DescribeReleaseResponse =
  {} as Server.DescribeReleaseResponse;

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the mirrored release manager API types', () => {
  it('are the same text as the server types, apart from the header and formatting', () => {
    const root = join(__dirname, '..', '..', '..');
    const server = readFileSync(
      join(root, 'packages/release-manager/src/http/types.ts'),
      'utf8',
    );
    const mirror = readFileSync(
      join(root, 'plugins/release-manager-common/src/types.ts'),
      'utf8',
    );
    const header = mirror.indexOf('*/') + 2;
    expect(normalize(mirror.slice(header))).toBe(normalize(server));
    expect([status, release, events, policies, releases]).toHaveLength(5);
  });
});
