import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Status } from '../messaging/protocol.ts';
import type { AsyncState } from './use-async.ts';

export interface StatusHandle {
  status: AsyncState<Status>;
  /** Asks the worker again, after something that changes the role or the counts. */
  refresh: () => void;
}

export const StatusContext = createContext<StatusHandle>({ status: { state: 'loading' }, refresh: () => {} });

export const useStatus = () => useContext(StatusContext);
