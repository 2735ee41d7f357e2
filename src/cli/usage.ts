// Help texts, one per command; `onramp --help` prints the overview.
import { DEFAULT_CONTROLLER_NAME } from '../features.ts';
import { DEFAULT_ADDRESS_POOL, DEFAULT_ADMIN_ADDRESS, DEFAULT_ADMIN_PORT, defaultWorkers } from './args.ts';

const OVERVIEW = `onramp: a Kubernetes Gateway API gateway (controller and proxy in one process)

Usage:
  onramp run   -f PATH... [options]   serve the Gateways, HTTPRoutes and backends defined in manifests
  onramp check -f PATH... [-o yaml|json]
                                      validate manifests offline and print the status a controller would write
  onramp echo  [options]              run the echo backend used by the quickstart and the conformance cases
  onramp --help | onramp COMMAND --help
  onramp --version

PATH is a YAML manifest file or a folder of them (*.yaml, *.yml, *.json).
`;

const RUN = `Usage: onramp run -f PATH... [options]

Watches the manifests and serves what they define; edits are live within a second, and a bad edit keeps
the last good config serving (the admin API shows why).

Options:
  -f, --file PATH            manifest file or folder; repeat for more
  --controller-name NAME     GatewayClasses naming this controller are served (default ${DEFAULT_CONTROLLER_NAME})
  --address-pool CIDR|LIST   addresses for Gateways without spec.addresses, e.g. 127.0.1.0/24 or
                             127.0.2.1,127.0.2.2 (default ${DEFAULT_ADDRESS_POOL})
  --admin-address ADDRESS    admin API address (default ${DEFAULT_ADMIN_ADDRESS})
  --admin-port PORT          admin API port, 0 for any free port (default ${DEFAULT_ADMIN_PORT})
  --echo PORT                also start the echo backend on 127.0.0.1:PORT (used by the quickstart)
  --workers N                processes serving traffic (default: one per core, here ${defaultWorkers()}). With N >= 2
                             this process keeps the controller and admin API and N worker processes share
                             the listening ports; 1 serves the traffic in this one process
  --log-level LEVEL          fatal, error, warn, info, debug, trace or silent (default info)

Admin API: GET /healthz, /readyz, /api/v1/status, /api/v1/config, /api/v1/rejected
`;

const CHECK = `Usage: onramp check -f PATH... [-o yaml|json] [--controller-name NAME] [--address-pool CIDR|LIST]

Parses, validates and translates the manifests without opening any socket, then prints every
GatewayClass, Gateway and HTTPRoute with the status a controller would write, as a Kubernetes List.
Rejected objects are printed on stderr as file:line: reason.

Exit status: 0 when everything is accepted; 1 when an object is rejected, one of our Gateways is not
Accepted or a route is not Accepted by one of its parents; 2 on a usage error.
`;

const ECHO = `Usage: onramp echo [--host 127.0.0.1] [--port 3000] [--namespace NS] [--pod NAME] [--service NAME]
                   [--h2c-port PORT] [--log-level LEVEL]

Answers every HTTP request with a JSON description of it (path, host, method, headers, namespace, pod),
like the Gateway API conformance echo backend.
`;

export function usage(topic: string | null): string {
  switch (topic) {
    case 'run':
      return RUN;
    case 'check':
      return CHECK;
    case 'echo':
      return ECHO;
    default:
      return OVERVIEW;
  }
}
