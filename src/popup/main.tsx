import { render } from 'preact';
import { z } from 'zod';
import { applyDocumentLanguage } from '../ui/i18n.ts';
import { Popup } from './Popup.tsx';
import '../ui/base.css';

z.config({ jitless: true });

applyDocumentLanguage('extName');
render(<Popup />, document.getElementById('app')!);
