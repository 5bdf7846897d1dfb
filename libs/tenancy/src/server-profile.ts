import type { Connection } from 'mongoose';

type Client = ReturnType<Connection['getClient']>;

const profiles = new WeakMap<Client, Promise<boolean>>();

/**
 * Whether the server behind `connection` is FerretDB (its buildInfo names a ferretdbVersion). Asked
 * once per client; a failed ask is asked again next time.
 */
export function isFerretDb(connection: Connection): Promise<boolean> {
  const client = connection.getClient();
  let known = profiles.get(client);
  if (!known) {
    known = client
      .db('admin')
      .command({ buildInfo: 1 })
      .then((info) => typeof info['ferretdbVersion'] === 'string');
    known.catch(() => profiles.delete(client));
    profiles.set(client, known);
  }
  return known;
}
