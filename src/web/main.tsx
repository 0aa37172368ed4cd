import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { ApiError } from './api/client';
import { AppShell } from './components/AppShell';
import { AccountPage } from './pages/AccountPage';
import { CreateProjectPage } from './pages/CreateProjectPage';
import { DataManagerPage } from './pages/DataManagerPage';
import { LabelPage } from './pages/LabelPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ProjectSettingsPage } from './pages/ProjectSettingsPage';
import { ProjectsPage } from './pages/ProjectsPage';
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

const router = createBrowserRouter([
  {
    element: <AppShell />,
    children: [
      { path: '/', element: <Navigate to="/projects" replace /> },
      { path: '/projects', element: <ProjectsPage /> },
      { path: '/projects/new', element: <CreateProjectPage /> },
      { path: '/projects/:projectId', element: <Navigate to="data" replace /> },
      { path: '/projects/:projectId/data', element: <DataManagerPage /> },
      { path: '/projects/:projectId/label', element: <LabelPage /> },
      { path: '/projects/:projectId/settings', element: <ProjectSettingsPage /> },
      { path: '/account', element: <AccountPage /> },
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
