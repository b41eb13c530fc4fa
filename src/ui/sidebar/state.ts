/** The notebook sidebar's state on this device: open or not, and which panel; remembered across visits. */
import { createSignal } from 'solid-js';

export type SidebarPanel = 'files' | 'contents';

const KEY = 'anode.sidebar';

function load(): { open: boolean; panel: SidebarPanel } {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { open?: unknown; panel?: unknown } | null;
    return { open: v?.open === true, panel: v?.panel === 'contents' ? 'contents' : 'files' };
  } catch {
    return { open: false, panel: 'files' };
  }
}

const initial = load();
const [open, setOpenSignal] = createSignal(initial.open);
const [panel, setPanelSignal] = createSignal<SidebarPanel>(initial.panel);

function save(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ open: open(), panel: panel() }));
  } catch {
    // Storage refused (private mode): the sidebar still works, it is just not remembered.
  }
}

export const sidebarOpen = open;
export const sidebarPanel = panel;

/** Shows `which` (opening the sidebar), or closes the sidebar when `which` is already shown. */
export function toggleSidebar(which: SidebarPanel): void {
  if (open() && panel() === which) setOpenSignal(false);
  else {
    setPanelSignal(which);
    setOpenSignal(true);
  }
  save();
}

export function closeSidebar(): void {
  setOpenSignal(false);
  save();
}
