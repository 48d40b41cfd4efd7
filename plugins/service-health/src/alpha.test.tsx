import plugin, { serviceHealthApi, serviceHealthEntityCard } from './alpha';

describe('service-health /alpha', () => {
  it('is a new-frontend-system plugin with the API and the entity card', () => {
    expect(plugin.id).toBe('service-health');
    expect(String(serviceHealthApi)).toContain('kind=api');
    expect(String(serviceHealthEntityCard)).toContain('kind=entity-card');
    expect(String(serviceHealthEntityCard)).toContain('name=service-health');
  });
});
