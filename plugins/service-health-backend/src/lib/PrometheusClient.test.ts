import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { PrometheusClient, PrometheusQueryError } from './PrometheusClient';

// Error cases only; the happy paths run against a real Prometheus in plugin.test.ts.
describe('PrometheusClient errors', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new PrometheusClient({
    baseUrl: 'http://prometheus.test',
    timeoutMs: 200,
    maxConcurrency: 2,
  });

  it('reports a timeout in milliseconds', async () => {
    server.use(
      http.post('http://prometheus.test/api/v1/query', async () => {
        await delay(2000);
        return HttpResponse.json({ status: 'success' });
      }),
    );
    await expect(client.query('up')).rejects.toThrow(
      new PrometheusQueryError(
        'Prometheus at http://prometheus.test did not answer within 200 ms',
      ),
    );
  });

  it("passes on Prometheus's own error of a 5xx", async () => {
    server.use(
      http.post('http://prometheus.test/api/v1/query', () =>
        HttpResponse.json(
          {
            status: 'error',
            errorType: 'timeout',
            error: 'query timed out in expression evaluation',
          },
          { status: 503 },
        ),
      ),
    );
    await expect(client.query('up')).rejects.toThrow(
      'timeout: query timed out in expression evaluation',
    );
  });

  it('reports a 5xx without a JSON body by its status', async () => {
    server.use(
      http.post(
        'http://prometheus.test/api/v1/query',
        () =>
          new HttpResponse('upstream connect error', {
            status: 502,
            statusText: 'Bad Gateway',
          }),
      ),
    );
    await expect(client.query('up')).rejects.toThrow(
      'Prometheus at http://prometheus.test answered HTTP 502 Bad Gateway without a JSON body',
    );
  });

  it('parses NaN and infinities as Prometheus encodes them', async () => {
    server.use(
      http.post('http://prometheus.test/api/v1/query', () =>
        HttpResponse.json({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [
              { metric: { a: '1' }, value: [1, 'NaN'] },
              { metric: { a: '2' }, value: [1, '+Inf'] },
              { metric: { a: '3' }, value: [1, '0.25'] },
            ],
          },
        }),
      ),
    );
    const samples = await client.query('x');
    expect(samples.map(s => s.value)).toEqual([NaN, Infinity, 0.25]);
  });
});
