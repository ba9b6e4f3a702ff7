import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { Role } from '../auth/roles';
import {
  EXIT_OK,
  examples,
  validateDatabaseUrl,
  withStorage,
  withStorageOptions,
  type Names,
  type StorageFlags,
  type CliContext,
} from './cli-options';
import { roles } from './lazy';

function parseRole(value: string): Role {
  const { ROLES, isRole } = roles();
  if (!isRole(value)) throw new InvalidArgumentError(`use one of ${ROLES.join(', ')}`);
  return value;
}

function lastAdminWarning(name: string, principalsLeft: number, names: Names): string {
  return (
    `warning: ${name} was the last admin principal; nobody can manage principals over HTTP ` +
    `until you create another admin: ${names.path} principals create --name NAME --role admin\n` +
    (principalsLeft === 0
      ? `warning: no principals are left. A running registry keeps requiring tokens (it never ` +
        `turns anonymous while it runs), but one started on a loopback address without ` +
        `principals runs in embedded mode, where every request is an anonymous admin.\n`
      : '')
  );
}

/** `principals create | list | delete`: manage service principals over the storage directly. */
export function addPrincipalsCommands(
  program: Command,
  { io, names, run: setResult }: CliContext,
): void {
  const principals = program
    .command('principals')
    .description('manage service principals (client credentials with a role)');

  withStorageOptions(
    principals
      .command('create')
      .description('create a principal; prints its client id and secret (shown once)'),
    names,
  )
    .requiredOption('--name <name>', 'principal name, recorded as author of its changes')
    .addOption(
      new Option('--role <role>', 'what the principal may do (see Roles below)')
        .argParser(parseRole)
        .makeOptionMandatory(),
    )
    .option('--json', 'print JSON')
    .addHelpText('after', () => `\nRoles: ${roles().ROLES.join(', ')}\n`)
    .addHelpText(
      'after',
      examples(
        `${names.path} principals create --name ci --role admin`,
        `${names.path} principals create --name dashboards --role viewer --json`,
      ),
    )
    .action((flags: StorageFlags & { name: string; role: Role; json?: boolean }) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, io, names, async (storage) => {
          const { principal, clientSecret } = await storage.principals.createPrincipal(
            flags.name,
            flags.role,
          );
          if (flags.json) {
            io.stdout(
              `${JSON.stringify({ id: principal.id, name: principal.name, role: principal.role, created_at: principal.createdAt, client_id: principal.id, client_secret: clientSecret }, null, 2)}\n`,
            );
          } else {
            io.stdout(
              `Created principal ${principal.name} (${principal.role}).\n` +
                `client_id:     ${principal.id}\n` +
                `client_secret: ${clientSecret}\n` +
                `The secret is shown only once. Use them as HCP_CLIENT_ID / HCP_CLIENT_SECRET.\n`,
            );
          }
          return EXIT_OK;
        }),
      );
    });

  withStorageOptions(principals.command('list').description('list principals'), names)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(`${names.path} principals list`, `${names.path} principals list --json`),
    )
    .action((flags: StorageFlags & { json?: boolean }) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, io, names, async (storage) => {
          const list = await storage.principals.listPrincipals();
          if (flags.json) {
            const rows = list.map((p) => ({
              id: p.id,
              name: p.name,
              role: p.role,
              created_at: p.createdAt,
            }));
            io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
          } else if (list.length === 0) {
            io.stdout(
              `No principals. Create one with: ${names.path} principals create --name ci --role admin\n`,
            );
          } else {
            const width = Math.max(4, ...list.map((p) => p.name.length));
            io.stdout(
              `${'ID'.padEnd(26)}  ${'NAME'.padEnd(width)}  ${'ROLE'.padEnd(11)}  CREATED\n`,
            );
            for (const p of list) {
              io.stdout(
                `${p.id.padEnd(26)}  ${p.name.padEnd(width)}  ${p.role.padEnd(11)}  ${p.createdAt}\n`,
              );
            }
          }
          return EXIT_OK;
        }),
      );
    });

  withStorageOptions(
    principals
      .command('delete')
      .description('delete a principal and revoke its tokens (warns when it was the last admin)')
      .argument('<id>', 'the principal id (its client_id)'),
    names,
  )
    .addHelpText('after', examples(`${names.path} principals delete 01J...`))
    .action((id: string, flags: StorageFlags) => {
      validateDatabaseUrl(flags.database);
      setResult(
        withStorage(flags, io, names, async (storage) => {
          // The operator is at the machine: the last admin may go, with a warning.
          const deleted = await storage.principals.deletePrincipal(id, { allowLastAdmin: true });
          io.stdout(`Deleted principal ${id}.\n`);
          if (deleted.principal.role === 'admin' && deleted.adminsLeft === 0) {
            io.stderr(lastAdminWarning(deleted.principal.name, deleted.principalsLeft, names));
          }
          return EXIT_OK;
        }),
      );
    });
}
