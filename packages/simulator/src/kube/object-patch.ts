/**
 * The three patch types kubectl sends, applied to a JSON object the way the API server applies
 * them: a JSON merge patch (RFC 7386: `kubectl patch --type=merge`, `scale`), a strategic merge
 * patch (lists of containers, env, ports, volumes merged by their key: `set resources`, `set
 * image`, `kubectl patch`), and a JSON patch (RFC 6902: `rollout undo` replaces
 * `/spec/template`). The result is a new object; the input is never changed.
 */

export type PatchType = 'merge' | 'strategic' | 'json';

export class PatchError extends Error {}

const patchTypes: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
};

/** The patch type a Content-Type names, or undefined for one this API does not take. */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return patchTypes[mediaType];
}

export const acceptedPatchTypes = Object.keys(patchTypes);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function applyPatch(document: unknown, patch: unknown, type: PatchType): unknown {
  const target = structuredClone(document) as Json;
  switch (type) {
    case 'merge':
      if (!isObject(patch)) throw new PatchError('a merge patch is a JSON object, such as {"spec":{"replicas":3}}');
      return mergePatch(target, patch, false);
    case 'strategic':
      if (!isObject(patch)) throw new PatchError('a strategic merge patch is a JSON object, such as {"spec":{"replicas":3}}');
      return mergePatch(target, patch, true);
    case 'json':
      if (!Array.isArray(patch)) throw new PatchError('a JSON patch is a list of operations, such as [{"op":"replace","path":"/spec/replicas","value":3}]');
      return jsonPatch(target, patch as unknown[]);
  }
}

/** The key lists of these names are merged by, in a strategic merge patch (Kubernetes' patchMergeKey). */
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
};

function mergePatch(target: Json, patch: Record<string, Json>, strategic: boolean): Json {
  if (strategic && patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return stripDirectives(rest);
  }
  const base: Record<string, Json> = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (strategic && key.startsWith('$')) continue; // $setElementOrder, $retainKeys, $deleteFromPrimitiveList: order and pruning directives
    if (value === null) {
      delete base[key];
    } else if (strategic && isObject(value) && value.$patch === 'delete') {
      delete base[key];
    } else if (strategic && Array.isArray(value) && mergeKeys[key] !== undefined && Array.isArray(base[key])) {
      base[key] = mergeList(base[key], value, mergeKeys[key]);
    } else if (isObject(value)) {
      base[key] = mergePatch(base[key] ?? {}, value, strategic);
    } else {
      base[key] = strategic && Array.isArray(value) ? value.map((item) => (isObject(item) ? stripDirectives(item) : item)) : value;
    }
  }
  return base;
}

function stripDirectives(value: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) if (!key.startsWith('$')) out[key] = isObject(item) ? stripDirectives(item) : item;
  return out;
}

/** Items with the same merge key are merged; new ones are appended; `$patch: delete` removes one. */
function mergeList(base: Json[], patch: Json[], key: string): Json[] {
  const out = [...base];
  for (const item of patch) {
    if (!isObject(item) || item[key] === undefined) throw new PatchError(`every item of a list merged by "${key}" needs its "${key}"`);
    const index = out.findIndex((candidate) => isObject(candidate) && candidate[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = mergePatch(out[index]!, item, true);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

function jsonPatch(target: Json, operations: unknown[]): Json {
  let document = target;
  operations.forEach((raw, index) => {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw new PatchError(`operation ${index} needs an "op" and a "path"`);
    const path = parsePointer(raw.path, index);
    switch (raw.op) {
      case 'add':
      case 'replace':
        if (!('value' in raw)) throw new PatchError(`operation ${index} (${raw.op} ${raw.path}) needs a "value"`);
        document = setAt(document, path, structuredClone(raw.value), raw.op, index);
        break;
      case 'remove':
        document = removeAt(document, path, index);
        break;
      case 'test':
        if (JSON.stringify(getAt(document, path, index)) !== JSON.stringify(raw.value)) throw new PatchError(`operation ${index}: the value at ${raw.path} is not the one tested`);
        break;
      case 'move':
      case 'copy': {
        if (typeof raw.from !== 'string') throw new PatchError(`operation ${index} (${raw.op}) needs a "from"`);
        const from = parsePointer(raw.from, index);
        const value = structuredClone(getAt(document, from, index));
        if (raw.op === 'move') document = removeAt(document, from, index);
        document = setAt(document, path, value, 'add', index);
        break;
      }
      default:
        throw new PatchError(`operation ${index}: "${raw.op}" is not a JSON patch operation; the operations are add, remove, replace, move, copy and test`);
    }
  });
  return document;
}

function parsePointer(pointer: string, index: number): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`operation ${index}: the path "${pointer}" must start with /`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function getAt(document: Json, path: string[], index: number): Json {
  let node: Json = document;
  for (const token of path) {
    if (Array.isArray(node) && /^\d+$/.test(token) && Number(token) < node.length) node = node[Number(token)]!;
    else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, token)) node = node[token]!;
    else throw new PatchError(`operation ${index}: nothing at /${path.join('/')}`);
  }
  return node;
}

function setAt(document: Json, path: string[], value: Json, op: 'add' | 'replace', index: number): Json {
  if (path.length === 0) return value;
  const parent = getAt(document, path.slice(0, -1), index);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (last === '-' && op === 'add') parent.push(value);
    else if (/^\d+$/.test(last) && Number(last) <= parent.length - (op === 'replace' ? 1 : 0)) {
      if (op === 'add') parent.splice(Number(last), 0, value);
      else parent[Number(last)] = value;
    } else throw new PatchError(`operation ${index}: /${path.join('/')} is not an index of the list`);
  } else if (isObject(parent)) {
    if (op === 'replace' && !Object.prototype.hasOwnProperty.call(parent, last)) throw new PatchError(`operation ${index}: nothing at /${path.join('/')} to replace`);
    parent[last] = value;
  } else throw new PatchError(`operation ${index}: /${path.slice(0, -1).join('/')} holds no object or list`);
  return document;
}

function removeAt(document: Json, path: string[], index: number): Json {
  if (path.length === 0) throw new PatchError(`operation ${index}: the whole object cannot be removed`);
  const parent = getAt(document, path.slice(0, -1), index);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && /^\d+$/.test(last) && Number(last) < parent.length) parent.splice(Number(last), 1);
  else if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, last)) delete parent[last];
  else throw new PatchError(`operation ${index}: nothing at /${path.join('/')} to remove`);
  return document;
}

/**
 * The first place two JSON values differ, as a field path (`spec.template.spec.containers[0].env`),
 * or undefined when they are equal. A null and a missing member count as the same.
 */
export function firstDifference(before: unknown, after: unknown, path = ''): string | undefined {
  if (before === after) return undefined;
  if ((before === null || before === undefined) && (after === null || after === undefined)) return undefined;
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) return path || '.';
    for (let i = 0; i < before.length; i++) {
      const found = firstDifference(before[i], after[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const found = firstDifference(before[key], after[key], path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return path || '.';
}
