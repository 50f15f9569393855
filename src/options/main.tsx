import { render } from 'preact';
import { z } from 'zod';
import { applyDocumentLanguage } from '../ui/i18n.ts';
import { App } from './App.tsx';
import '../ui/base.css';

z.config({ jitless: true });

applyDocumentLanguage('optionsTitle');
render(<App />, document.getElementById('app')!);
