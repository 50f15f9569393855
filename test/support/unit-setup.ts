import { z } from 'zod';

// The extension runs zod without code generation (its CSP forbids `new Function`); tests do too.
z.config({ jitless: true });
