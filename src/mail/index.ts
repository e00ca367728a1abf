export * from './spf/parse.js';
export { parseMacroString, parseDomainSpec, expandMacroString, type MacroPart, type MacroValues } from './spf/macro.js';
export { checkHost, spfVerify, fetchSpfRecord, isValidSpfDomain, type SpfResult, type SpfOutcome, type SpfResolver, type CheckHostOptions } from './spf/evaluate.js';
export { analyzeSpf, MIN_IPV4_PREFIX, MIN_IPV6_PREFIX, type SpfAnalysis, type SpfOpenTerm, type SpfNode, type SpfVoidLookup } from './spf/analyze.js';
export { parseDkimKey, looksLikeDkimKey, type DkimKeyRecord } from './dkim.js';
export { parseDmarc, isDmarcRecord, looksLikeDmarc, type DmarcRecord, type DmarcPolicy, type DmarcUri } from './dmarc.js';
export { parseMtaSts, parseTlsRpt, type MtaStsRecord, type TlsRptRecord } from './sts.js';
export { parseTagList, type TagList } from './taglist.js';
