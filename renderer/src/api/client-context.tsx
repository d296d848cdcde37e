// Hands the typed API client to every component.
import { createContext, useContext, type ReactNode } from 'react';
import type { TujianClient } from '../../../preload/api-client.ts';

const ClientContext = createContext<TujianClient | null>(null);

export function ClientProvider({
  client,
  children,
}: {
  client: TujianClient;
  children: ReactNode;
}) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): TujianClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}
