import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectHost } from './link';
import { startSync } from './state/sync';
import { useApp } from './state/store';
import { App } from './ui/App';

const host = connectHost();
if ('error' in host) useApp.setState({ hostError: host.error, link: 'closed' });
else startSync(host);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
