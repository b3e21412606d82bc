import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { sectionsFor } from './roles';

function App() {
  return (
    <main>
      <h1>AI Photo 管理后台</h1>
      <ul>
        {sectionsFor('admin').map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
