/**
 * The tests are written in English: a message made outside any request (a domain function called
 * directly) is English here. Requests still take their language from Accept-Language (Swedish
 * without one); the helpers ask for English (tests/helpers/hub.ts ENGLISH).
 */
import { setLanguageOutsideRequests } from '../../services/shared/src/i18n.ts';

setLanguageOutsideRequests('en');
