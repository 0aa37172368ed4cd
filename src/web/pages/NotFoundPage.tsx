import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section className="empty">
      <h1>Page not found</h1>
      <p>
        <Link to="/projects">Back to the projects</Link>
      </p>
    </section>
  );
}
