import { render } from 'preact';
import { z } from 'zod';
import { applyDocumentLanguage } from '../ui/i18n.ts';
import { requestPersistentStorage } from '../ui/persist-storage.ts';
import { Popup } from './Popup.tsx';
import '../ui/base.css';

z.config({ jitless: true });

applyDocumentLanguage('extName');
requestPersistentStorage();
render(<Popup />, document.getElementById('app')!);
