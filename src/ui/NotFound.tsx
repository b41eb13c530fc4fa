import type { JSX } from 'solid-js';

/** A notebook id that is not on this device: say so, offer the way home, create nothing. */
export function NotFound(props: { message: string }): JSX.Element {
  return (
    <div class="not-found" role="alert">
      <h1>Notebook not found</h1>
      <p>{props.message}</p>
      <a href="#/" class="button">
        Go to your notebooks
      </a>
    </div>
  );
}
