/** The few plotly.js calls Anode makes (the package ships no types; @types/plotly.js would pull in d3's). */
declare module 'plotly.js-dist-min' {
  interface PlotlyApi {
    newPlot(el: HTMLElement, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<HTMLElement>;
    purge(el: HTMLElement): void;
    toImage(el: HTMLElement, opts: { format: 'svg' | 'png'; width?: number; height?: number }): Promise<string>;
    Plots: { resize(el: HTMLElement): Promise<void> };
  }
  const Plotly: PlotlyApi;
  export default Plotly;
}
