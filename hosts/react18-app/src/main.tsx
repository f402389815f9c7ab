import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Route, Routes } from 'react-router';

// The route change the panel README shows: /infra is its own chunk, loaded on first visit.
const InfraRoute = lazy(() => import('./infra-route.js'));

function Home() {
  return (
    <p data-testid="home">
      The team's web UI. Open <Link to="/infra">/infra</Link>.
    </p>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BrowserRouter>
        <header>
          <Link to="/">home</Link> · <Link to="/infra">infra</Link>
        </header>
        <main>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route
              path="/infra"
              element={
                <Suspense fallback={<p>Loading…</p>}>
                  <InfraRoute />
                </Suspense>
              }
            />
          </Routes>
        </main>
      </BrowserRouter>
    </StrictMode>,
  );
}
