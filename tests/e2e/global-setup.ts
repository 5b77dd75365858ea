/** Before the e2e suite: make sure the default model, the demo catalog and the built app exist. */
import { prepare } from '../../scripts/prepare.ts';

export default async function globalSetup(): Promise<void> {
  await prepare({ serve: false });
}
