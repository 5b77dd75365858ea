/** `npm start [-- --images DIR] [--meta FILE] [--port N]`: build what is missing, then serve the app. */
import { parseArgs } from 'node:util';
import { prepare } from './prepare.ts';

const { values } = parseArgs({
  options: { images: { type: 'string' }, meta: { type: 'string' }, port: { type: 'string' } },
});

try {
  await prepare({
    serve: true,
    images: values.images,
    meta: values.meta,
    port: values.port ? Number(values.port) : undefined,
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
