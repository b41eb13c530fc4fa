/** The notebook document whose widget models the outputs below show (ipywidgets' views read and write it). */
import type * as Y from 'yjs';
import { createContext } from 'solid-js';

export const WidgetDocContext = createContext<Y.Doc | null>(null);
