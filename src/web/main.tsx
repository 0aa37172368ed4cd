import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { ApiError } from './api/client';
import { AppShell } from './components/AppShell';
import { NotFoundPage } from './pages/NotFoundPage';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // client errors will not change on retry; server and network errors may
      retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

// Each page is its own chunk, fetched the first time its route matches: the projects list does not wait for
// the Data Manager or the labeling editor. The router keeps showing the current page while the next one loads.
const router = createBrowserRouter([
  {
    element: <AppShell />,
    hydrateFallbackElement: <p className="muted">Loading…</p>,
    children: [
      { path: '/', element: <Navigate to="/projects" replace /> },
      { path: '/projects', lazy: async () => ({ Component: (await import('./pages/ProjectsPage')).ProjectsPage }) },
      { path: '/projects/new', lazy: async () => ({ Component: (await import('./pages/CreateProjectPage')).CreateProjectPage }) },
      { path: '/projects/:projectId', element: <Navigate to="data" replace /> },
      { path: '/projects/:projectId/data', lazy: async () => ({ Component: (await import('./pages/DataManagerPage')).DataManagerPage }) },
      { path: '/projects/:projectId/label', lazy: async () => ({ Component: (await import('./pages/LabelPage')).LabelPage }) },
      { path: '/projects/:projectId/settings', lazy: async () => ({ Component: (await import('./pages/ProjectSettingsPage')).ProjectSettingsPage }) },
      { path: '/account', lazy: async () => ({ Component: (await import('./pages/AccountPage')).AccountPage }) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
