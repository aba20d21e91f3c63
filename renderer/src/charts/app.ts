import { useApp } from '../state/store';
import { ThroughputStore } from './throughput-store';
import { ValueChartStore } from './value-charts';

// The page's chart stores, tied to the app store: sessions and encodings come from it, stats reports go
// from it to the throughput trackers, and charts go away with their sessions. The stores themselves know
// nothing of the app, so tests run them in plain Node.

export const valueCharts = new ValueChartStore({
  exists: (sessionId) => sessionId in useApp.getState().sessions,
  encoding: (sessionId) => useApp.getState().views[sessionId]?.receiveEncoding ?? 'utf-8',
});

export const throughputStore = new ThroughputStore();

throughputStore.take(useApp.getState().stats);
useApp.subscribe((state, previous) => {
  if (state.stats !== previous.stats) throughputStore.take(state.stats);
  if (state.sessions !== previous.sessions) valueCharts.sessionsChanged();
});
