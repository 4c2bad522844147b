/** The service name: NATS connection name, envelope `source`, log field, process title. */
export const SERVICE_NAME = 'simulation-service';
