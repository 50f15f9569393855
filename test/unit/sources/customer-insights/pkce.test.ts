import { describe, expect, it } from 'vitest';
import {
  base64Url,
  codeChallengeS256,
  createPkce,
  createState,
} from '../../../../src/sources/customer-insights/pkce.ts';

// RFC 7636 Appendix B: the octets, the verifier they encode to, and its S256 challenge.
const RFC_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
  240, 91, 88, 5, 88, 83, 132, 141, 121,
];
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('derives the challenge of RFC 7636 appendix B from its verifier', async () => {
    expect(await codeChallengeS256(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
  });

  it('encodes the RFC example octets into its verifier and challenge', async () => {
    const pkce = await createPkce(() => Uint8Array.from(RFC_OCTETS));
    expect(pkce).toEqual({ verifier: RFC_VERIFIER, challenge: RFC_CHALLENGE });
  });

  it('makes 43-character verifiers of unreserved characters that differ every time', async () => {
    const first = await createPkce();
    const second = await createPkce();
    expect(first.verifier).toMatch(/^[A-Za-z0-9\-_]{43}$/);
    expect(second.verifier).not.toBe(first.verifier);
  });

  it('makes states that differ every time', () => {
    expect(createState()).not.toBe(createState());
    expect(createState()).toMatch(/^[A-Za-z0-9\-_]{22}$/);
  });

  it('writes base64url without padding', () => {
    expect(base64Url(Uint8Array.from([0xfb, 0xff]))).toBe('-_8');
  });
});
