import type { Check } from '../../engine/check.js';
import { dnsCaa } from './dns-caa.js';
import { danglingCname } from './dns-dangling-cname.js';
import { dnsNameServers } from './dns-ns.js';
import { dnsResolution } from './dns-resolution.js';
import { hsts } from './hsts.js';

/** Checks of the `domain-tls` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [dnsResolution, danglingCname, dnsNameServers, dnsCaa, hsts];
