import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { formatFen } from './format';

function App() {
  return (
    <main>
      <h1>AI Photo</h1>
      <p>白底主图与 AI 模特图 · 月度会员 {formatFen(9900)}</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
