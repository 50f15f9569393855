import { SignInCancelledError } from '../../sources/customer-insights/index.ts';

/** `identity.launchWebAuthFlow` as the polyfill types it; injected so tests can stand in for it. */
export type LaunchWebAuthFlow = (details: {
  url: string;
  interactive?: boolean;
}) => Promise<string | undefined>;

/**
 * The `launch` that `signIn` takes: opens Microsoft's sign-in in a browser window and resolves with
 * the address it redirected to. The browser rejects when the user closes the window (and for a
 * page that cannot load) with a message we must not switch on, so every rejection is a cancelled
 * sign-in the user can simply start again.
 */
export function interactiveLaunch(launchWebAuthFlow: LaunchWebAuthFlow): (url: string) => Promise<string> {
  return async (url) => {
    let redirect: string | undefined;
    try {
      redirect = await launchWebAuthFlow({ url, interactive: true });
    } catch {
      throw new SignInCancelledError();
    }
    if (!redirect) throw new SignInCancelledError();
    return redirect;
  };
}
