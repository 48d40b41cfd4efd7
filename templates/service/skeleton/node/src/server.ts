import { createApp, SERVICE } from './app.ts';

const port = Number(process.env.PORT ?? 8080);
const server = createApp();
server.listen(port, () => console.log(`${SERVICE} listening on :${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
