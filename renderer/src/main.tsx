import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectLink } from './link';
import { followLanguage } from './state/session-names';
import { startSync } from './state/sync';
import { useApp } from './state/store';
import { App } from './ui/App';

const link = connectLink();
if ('error' in link) useApp.setState({ linkError: link.error, link: 'closed' });
else startSync(link);
followLanguage();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
