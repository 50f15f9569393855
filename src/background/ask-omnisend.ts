import { toErrorData } from '../omnisend/errors.ts';
import { HandledError } from './router.ts';

/** Runs an Omnisend call and turns its typed failure into a reply the UI can explain. */
export async function askOmnisend<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new HandledError(toErrorData(error));
  }
}
