/**
 * Reads what a patched Deployment asks the cluster to do: new replicas, a new pod template (its
 * container's image and resources: `set resources`, `set image`, `rollout undo`), a change-cause.
 * Everything the simulator models is checked as the API server would check it, with its words;
 * a change to anything else is refused naming the field and what can change.
 */
import type { Deployment, PodTemplate } from '../world/cluster';
import { resourceBounds } from '../world/cluster';
import { firstDifference } from './object-patch';
import { QuantityError, formatBytes, formatMillicores, parseQuantity } from './quantity';

/** A field the API server refuses, as `metav1.Status` causes name it. */
export class InvalidField extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

export interface DeploymentChange {
  replicas: number;
  template: PodTemplate;
  /** The `kubernetes.io/change-cause` the patch set, when it set one. */
  changeCause: string | undefined;
}

export const changeCauseAnnotation = 'kubernetes.io/change-cause';
const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const changeableFields = 'spec.replicas, the container\'s image and resources (cpu and memory), and the kubernetes.io/change-cause annotation';

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});

/** The parts of a Deployment a change may touch, cut out so the rest can be compared whole. */
function fixedParts(object: Json): Json {
  const copy = structuredClone(object);
  delete copy.status;
  const metadata = asObject(copy.metadata);
  for (const key of ['resourceVersion', 'generation', 'uid', 'creationTimestamp', 'managedFields', 'selfLink']) delete metadata[key];
  const annotations = asObject(metadata.annotations);
  delete annotations[changeCauseAnnotation];
  delete annotations[revisionAnnotation];
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const spec = asObject(copy.spec);
  delete spec.replicas;
  const containers = asObject(asObject(spec.template).spec).containers;
  if (Array.isArray(containers)) {
    for (const container of containers) {
      delete asObject(container).image;
      delete asObject(container).resources;
    }
  }
  return copy;
}

function quantity(field: string, value: unknown): number {
  if (typeof value !== 'string' && typeof value !== 'number') throw new InvalidField(field, `Invalid value: ${JSON.stringify(value)}: a quantity is a string such as "3Gi" or "500m"`);
  try {
    return parseQuantity(String(value));
  } catch (error) {
    if (error instanceof QuantityError) throw new InvalidField(field, `Invalid value: "${String(value)}": ${error.message}`);
    throw error;
  }
}

/** The container's resources, checked: only cpu and memory, limits within a node, requests no more than limits. */
function readResources(resources: Json, previous: PodTemplate, base: string): Pick<PodTemplate, 'memoryLimitBytes' | 'memoryRequestBytes' | 'cpuLimitMillicores' | 'cpuRequestMillicores'> {
  const limits = asObject(resources.limits);
  const requests = asObject(resources.requests);
  for (const [kind, values] of [['limits', limits], ['requests', requests]] as const) {
    const other = Object.keys(values).find((name) => name !== 'cpu' && name !== 'memory');
    if (other !== undefined) throw new InvalidField(`${base}.${kind}[${other}]`, `Unsupported value: "${other}": the resources here are cpu and memory`);
  }
  if (limits.memory === undefined) throw new InvalidField(`${base}.limits[memory]`, 'Required value: every container here runs with a memory limit, for example --limits=memory=4Gi');
  const memoryLimitBytes = Math.round(quantity(`${base}.limits[memory]`, limits.memory));
  const cpuLimitMillicores = limits.cpu === undefined ? previous.cpuLimitMillicores : Math.round(quantity(`${base}.limits[cpu]`, limits.cpu) * 1000);
  // Like the API server, a request left out defaults to the limit.
  const memoryRequestBytes = requests.memory === undefined ? memoryLimitBytes : Math.round(quantity(`${base}.requests[memory]`, requests.memory));
  const cpuRequestMillicores = requests.cpu === undefined ? cpuLimitMillicores : Math.round(quantity(`${base}.requests[cpu]`, requests.cpu) * 1000);
  const { memoryMinBytes, memoryMaxBytes, cpuMinMillicores, cpuMaxMillicores } = resourceBounds;
  if (memoryLimitBytes < memoryMinBytes || memoryLimitBytes > memoryMaxBytes) {
    throw new InvalidField(`${base}.limits[memory]`, `Invalid value: "${formatBytes(memoryLimitBytes)}": must be between ${formatBytes(memoryMinBytes)} and ${formatBytes(memoryMaxBytes)} (a node's allocatable memory)`);
  }
  if (cpuLimitMillicores < cpuMinMillicores || cpuLimitMillicores > cpuMaxMillicores) {
    throw new InvalidField(`${base}.limits[cpu]`, `Invalid value: "${formatMillicores(cpuLimitMillicores)}": must be between ${formatMillicores(cpuMinMillicores)} and ${formatMillicores(cpuMaxMillicores)} (a node's allocatable CPU)`);
  }
  for (const [name, value] of [['memory', memoryRequestBytes], ['cpu', cpuRequestMillicores]] as const) {
    if (value < 0) throw new InvalidField(`${base}.requests[${name}]`, `Invalid value: "${name === 'memory' ? formatBytes(value) : formatMillicores(value)}": must be greater than or equal to 0`);
  }
  if (memoryRequestBytes > memoryLimitBytes) {
    throw new InvalidField(`${base}.requests`, `Invalid value: "${formatBytes(memoryRequestBytes)}": must be less than or equal to memory limit of ${formatBytes(memoryLimitBytes)}`);
  }
  if (cpuRequestMillicores > cpuLimitMillicores) {
    throw new InvalidField(`${base}.requests`, `Invalid value: "${formatMillicores(cpuRequestMillicores)}": must be less than or equal to cpu limit of ${formatMillicores(cpuLimitMillicores)}`);
  }
  return { memoryLimitBytes, memoryRequestBytes, cpuLimitMillicores, cpuRequestMillicores };
}

/**
 * What `after` (the patched object) changes relative to `before` (the object as served).
 * Throws InvalidField for a value the API server would refuse or a field the simulator keeps fixed.
 */
export function readDeploymentChange(deployment: Deployment, before: Json, after: Json, maxReplicas: number): DeploymentChange {
  const changed = firstDifference(fixedParts(before), fixedParts(after));
  if (changed !== undefined) throw new InvalidField(changed, `Forbidden: in the gameday simulator a deployment's changeable fields are ${changeableFields}`);

  const replicas = asObject(after.spec).replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > maxReplicas) {
    throw new InvalidField('spec.replicas', `Invalid value: ${JSON.stringify(replicas) ?? 'null'}: must be a whole number of replicas between 0 and ${maxReplicas} (the simulated cluster's capacity)`);
  }

  // fixedParts compared the container list, so it is still the deployment's one container.
  const container = asObject((asObject(asObject(asObject(after.spec).template).spec).containers as unknown[])[0]);
  const base = 'spec.template.spec.containers[0]';
  const image = container.image;
  const images = [...new Set(deployment.replicaSets.map((replicaSet) => replicaSet.template.image))];
  if (typeof image !== 'string' || !images.includes(image)) {
    throw new InvalidField(`${base}.image`, `Invalid value: ${JSON.stringify(image) ?? 'null'}: the registry holds ${images.join(', ')}`);
  }
  const template: PodTemplate = { image, ...readResources(asObject(container.resources), deployment.template, `${base}.resources`) };

  const beforeCause = asObject(asObject(before.metadata).annotations)[changeCauseAnnotation];
  const afterCause = asObject(asObject(after.metadata).annotations)[changeCauseAnnotation];
  if (afterCause !== undefined && afterCause !== null && typeof afterCause !== 'string') {
    throw new InvalidField(`metadata.annotations[${changeCauseAnnotation}]`, 'Invalid value: an annotation is a string');
  }
  const changeCause = typeof afterCause === 'string' && afterCause !== beforeCause ? afterCause : undefined;
  return { replicas, template, changeCause };
}
