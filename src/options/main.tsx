import { render } from 'preact';
import { z } from 'zod';
import { applyDocumentLanguage } from '../ui/i18n.ts';
import { requestPersistentStorage } from '../ui/persist-storage.ts';
import { App } from './App.tsx';
import '../ui/base.css';

z.config({ jitless: true });

applyDocumentLanguage('optionsTitle');
requestPersistentStorage();
render(<App />, document.getElementById('app')!);
