/**
 * Whether KaTeX has loaded, as a signal: views that render math read it so that math first shown as TeX source
 * (before KaTeX, which loads on first use, arrived) is typeset as soon as it can be.
 */
import { createSignal } from 'solid-js';
import { mathLoaded } from '../model';

const [ready, setReady] = createSignal(false);
void mathLoaded.then(() => setReady(true));

export const mathReady = ready;
