// Entry of the renderer: picks the host's API client and mounts the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/client.ts';
import { ClientProvider } from './api/client-context.tsx';
import { App } from './App.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ClientProvider client={createClient()}>
        <App />
      </ClientProvider>
    </StrictMode>,
  );
}
