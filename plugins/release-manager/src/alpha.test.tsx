import plugin, {
  releaseManagerApi,
  releasesEntityContent,
  releaseStatusEntityCard,
} from './alpha';

describe('release-manager /alpha', () => {
  it('is a new-frontend-system plugin with the API, the card and the Releases content', () => {
    expect(plugin.id).toBe('release-manager');
    expect(String(releaseManagerApi)).toContain('kind=api');
    expect(String(releaseStatusEntityCard)).toContain('kind=entity-card');
    expect(String(releaseStatusEntityCard)).toContain('name=release-status');
    expect(String(releasesEntityContent)).toContain('kind=entity-content');
    expect(String(releasesEntityContent)).toContain('name=releases');
  });
});
