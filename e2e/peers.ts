import net from 'node:net';

// Plain Node sockets as peers, on 127.0.0.1 only; python3 peers come from test/helpers/processes.ts.

/** A plain TCP client that records every byte it receives. */
export async function tcpClient(port: number): Promise<{ socket: net.Socket; received: () => Buffer; local: string }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => Buffer.concat(chunks), local: `127.0.0.1:${socket.localPort}` };
}
