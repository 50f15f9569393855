import type { Storage } from 'webextension-polyfill';

/** The part of `storage.session` the worker uses; narrow so tests can hand in a plain map. */
export type SessionArea = Pick<Storage.StorageArea, 'get' | 'set' | 'remove' | 'clear'>;
