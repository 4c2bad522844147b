// Publishes one market index change: `npm run market -- <zone> <level> [change_pct] [date]`.
// The event `equihome.market.index.updated` { zone, date, index_level, change_pct, source } is
// what other Equihome systems publish; the realtime gateway forwards it to `market`
// subscribers (nothing else consumes it yet). NATS_URL, NATS_SUBJECT_PREFIX and NATS_STREAM
// are honoured; the stream is ensured first (it then also stores equihome.market.>).
import { connectMessaging, natsConnectOptions, natsConfigShape } from '@equihome/messaging';
import { loadConfig } from '@equihome/platform';

const [zone, level, change, date] = process.argv.slice(2);
const indexLevel = Number(level);
if (!zone || level === undefined || !Number.isFinite(indexLevel) || (change !== undefined && !Number.isFinite(Number(change)))) {
  process.stderr.write('usage: npm run market -- <zone> <level> [change_pct as a decimal, e.g. 0.012] [YYYY-MM-DD]\n');
  process.exit(2);
}
const config = loadConfig(natsConfigShape, process.env);
const messaging = await connectMessaging({ ...natsConnectOptions(config), name: 'market-tool' });
try {
  await messaging.ensureStream();
  const event = await messaging.publish('equihome.market.index.updated', {
    zone,
    date: date ?? new Date().toISOString().slice(0, 10),
    index_level: indexLevel,
    change_pct: change !== undefined ? Number(change) : 0,
    source: 'npm run market',
  });
  process.stdout.write(`published ${event.type} ${JSON.stringify(event.data)} (id ${event.id})\n`);
} finally {
  await messaging.close();
}
