/**
 * Forum signals for triage, beyond the words of a post: links and their domains, money / urgency /
 * promotion language, contact channels, a new account's first post with a link, the author's Discourse
 * trust level, text repeated across topics or inside the post, how far the post is from the course's own
 * vocabulary, and the shapes of off-topic posts (other boards, events, careers, shopping) and of
 * courseware-bug reports (the material named, a defect described). Pure: the caller supplies the
 * knowledge-base share and the repeat count.
 *
 * The word lists name classes (currencies, contact apps, boards the course does not use), in the
 * languages the forum writes in; they are not phrases from any labelled post.
 */

import { fold } from '../../answers/text.js';

/** What the forum knows about the author (Discourse webhook payload), when it is known. */
export interface PostMeta {
  /** Discourse trust level 0–4. */
  trustLevel?: number | null;
  /** The author's earlier posts (0 = this is the first). */
  postCount?: number | null;
  /** Earlier topics (by anyone) whose text this post repeats. */
  repeats?: number | null;
}

/** Signals of one post, with the matched evidence. */
export interface ForumSignals {
  links: number;
  /** Registrable domains linked or written out (`shop.example`, `bit.ly`). */
  domains: string[];
  /** Domains that are neither the course's own nor well-known technical sites. */
  foreignDomains: string[];
  money: string[];
  urgency: string[];
  promotion: string[];
  contact: string[];
  /** Phone-number-like digit runs. */
  phones: number;
  /** Share of the post's sentences that occur more than once in it. */
  selfRepeat: number;
  /** The author's first post (post count 0 or trust level 0 with ≤ 1 posts) and it links out. */
  newAccountLink: boolean;
  trustLevel: number | null;
  repeats: number;
  /** 1 − the share of content words the course material knows. */
  outOfDomain: number;
  foreignHardware: string[];
  /** "not the course board" and similar. */
  notCourseBoard: boolean;
  social: string[];
  material: string[];
  defect: string[];
  /** "fresh copy", "nothing changed", "provided cell": the material fails as shipped. */
  asShipped: boolean;
  /** Exclamation marks and all-caps words per 100 words. */
  shouting: number;
  /** An executable or installer to download from an outside site (phishing "fix" tools). */
  outsideDownload: boolean;
  /** Selling answers, certificates or written assignments. */
  cheating: string | null;
  /** Account-verification and suspension threats (phishing), matched text. */
  phishing: string | null;
  /** Model accuracy in Colab/the notebook contrasted with the board ("works in Colab, fails on the board"), in any of the forum's languages. */
  colabVsBoard: boolean;
}

/** Sites a course post links to without being spam (the course's own hosts are added from the material). */
export const TECHNICAL_DOMAINS: readonly string[] = [
  'github.com', 'githubusercontent.com', 'google.com', 'colab.research.google.com', 'youtube.com', 'youtu.be', 'arduino.cc', 'tensorflow.org',
  'edx.org', 'harvard.edu', 'tinyml.org', 'mlcommons.org', 'kaggle.com', 'pytorch.org', 'python.org', 'pypi.org', 'stackoverflow.com',
  'edgeimpulse.com', 'hackster.io', 'arxiv.org', 'wikipedia.org', 'discord.com', 'discord.gg', 'imgur.com', 'raspberrypi.com', 'espressif.com',
  'st.com', 'nordicsemi.com', 'seeedstudio.com', 'adafruit.com', 'sparkfun.com', 'microsoft.com', 'apple.com', 'ubuntu.com', 'debian.org',
  'gitlab.com', 'huggingface.co', 'medium.com', 'readthedocs.io', 'npmjs.com', 'docker.com', 'nvidia.com',
];

/** File extensions that look like top-level domains in `model.cc` or `notes.md`; never domains. */
const NOT_TLD = new Set([
  'h', 'c', 'cc', 'cpp', 'hpp', 'ino', 'py', 'ipynb', 'md', 'txt', 'json', 'yaml', 'yml', 'csv', 'pdf', 'zip', 'tflite', 'h5', 'pb', 'bin', 'hex', 'elf',
  'png', 'jpg', 'jpeg', 'gif', 'wav', 'mp3', 'mp4', 'log', 'sh', 'js', 'ts', 'so', 'dll', 'exe', 'o', 'a', 'cmake', 'tar', 'gz', 'whl', 'html', 'xml',
  'keras', 'pt', 'onnx', 'npy', 'npz', 'ld', 'map', 'cfg', 'ini', 'dat', 'uf2', 'ai', 'io2', 'x', 'v', 'b', 'd', 'e', 'f', 'g', 'm', 'n', 'p', 'r', 's', 't', 'u', 'w', 'y', 'z',
]);
/** Domains in prose: `name.tld` or `a.b.tld` with a 2–10 letter TLD that is not a file extension. */
const DOMAIN = /(?<![@\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,10}))(?=[/:?#\s)\]"'`,;!]|\.(?:\s|$)|$)/gi;
const URL_RE = /\bhttps?:\/\/[^\s)\]>"'`]+|\bwww\.[^\s)\]>"'`]+/gi;

/** Two-level public suffixes common enough to matter (`co.uk`, `com.br`). */
const SECOND_LEVEL = /\.(co|com|org|net|gov|edu|ac)\.[a-z]{2}$/;

/** The registrable part of a host name (`shop.example` of `www.shop.example`). */
export function registrable(host: string): string {
  const h = host.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  const parts = h.split('.');
  const keep = SECOND_LEVEL.test(h) ? 3 : 2;
  return parts.slice(-keep).join('.');
}

const MONEY = [
  /[$€£₹¥]\s?\d|\d\s?(?:usd|eur|dollars?|d[oó]lares|euros?|reais|rupees|rs\.?)\b|\br\$\s?\d|\brs\.?\s?\d{3,}/i,
  /\b(usdt|btc|bitcoin|crypto|cripto|forex|paypal|pix|western union|gift ?cards?)\b/i,
  /\b(earn|earning|ganhe|gana|ganancias|kamaye|kamao|income|profit|lucro|renda)\b/i,
  /\b(per|a|\/)\s?(day|week|month|hr|hour)\b.{0,20}\b(paid|payment|salary)|\b(salary|payment) (daily|weekly)|\bdaily payment/i,
];
const URGENCY = [
  /\b(now|today|tonight|asap)!|!{2,}|\b(hurry|limited|exclusive|guaranteed|urgent|instant)\b.{0,20}!/i,
  /\b(limited (time|offer|stock|seats|places|spots)|only \d+ (left|places|spots|seats)|ends (tonight|today|soon)|hurry|act now|don'?t miss|before it'?s (gone|taken down|removed))\b/i,
  /\b(cupos limitados|[uú]ltimas vagas|vagas limitadas|por tempo limitado|oferta (limitada|v[aá]lida)|seats limited|jaldi karo|abhi join)\b/i,
  /\b(today only|last chance|instant(ly)? delivery|in \d+ (hours|days|minutes) guaranteed|24\/7 support|24x7)\b/i,
];
const PROMOTION = [
  /\b(buy|order|purchase|compre|comprar ahora|vendemos|vendo|venda|sell(ing)?)\b.{0,40}\b(now|today|here|cheap|online|followers|likes|seguidores)\b/i,
  /\b(followers|seguidores|likes|curtidas|backlinks|subscribers|views)\b/i,
  /\b(discount|coupon|promo code|use (my )?code|c[oó]digo (de )?(convite|descuento)|\d{1,2} ?% off|cheap(est)?|barato|baratos|affordable|best price|free shipping|env[ií]o gratis|frete gr[aá]tis)\b/i,
  /\b(100 ?% (genuine|guaranteed|working|natural|real|legit)|guaranteed|garantizad[ao]|garantid[ao]|money.?back|no (experience|interview|investment|diet)|sem investimento|work from home|ghar baithe|from home)\b/i,
  /\b(answer (bank|key|dump|sheet)s?|leaked|all (the )?(quiz|exam|test) answers|answers (for|to) (every|all)|(small|one-time) fee|for a fee|paid (access|membership)|solutions? (for|to) all|(assignment|homework|essay|thesis|tesis|monograf[ií]as?) (help|service|writing)|we (write|do) your|hacemos tu|redactamos)\b/i,
  /\b(crack(ed)?|keygen|full version|nulled|serial key|run (it )?as administrator|disable (your )?antivirus)\b/i,
  /\b(hire|hiring|recruit(ing)?|job offer|vacanc(y|ies)|registration fee)\b/i,
  /\b(casino|betting|apuestas|loans?|pr[eé]stamos?|viagra|keto|weight loss|belly fat|love problem|astrolog\w*|packers and movers|seo services?|rank #?1|escort)\b/i,
  /\b(giveaway|free (gift|kit|ebook|pdf|download|trial|consultation|quote)|claim (your|it)|survey to unlock|click (here|the link|below)|link (in|na) (bio|description)|visit (us|our|my))\b/i,
  // A company speaking: "we offer", "our services", "our clients".
  /\b(we (offer|provide|sell|deliver|specialize|specialise|guarantee|are (a|an) (leading|top|professional|trusted))|our (services|agency|company|experts|clients|customers|products|packages|prices|team of)|ofrecemos|nuestros servicios|oferecemos|nossos servicos)\b/i,
  /\b(best|top|cheapest|lowest|leading|trusted|affordable|premium|certified|professional) (price|prices|rates|service|services|quality|company|agency|provider|deals?|offers?|experts?)\b/i,
  /\b(sign up|register|join|subscribe|enroll|inscreva-se|inscribete|registrate) (now|today|free|for free|here|below)\b|\b(earn|make|ganar|ganhar) (money|\$|cash|dinero|dinheiro|\d)/i,
  /[?&](ref|aff|affiliate|utm_source|tag|refcode|invite)=|\baffiliate\b|\breferral (link|code)\b/i,
  // "Amazing free resource", "check out this site": a recommendation of somewhere else, not of the course.
  /\b(great|amazing|awesome|useful|helpful|excellent|best|wonderful|good) (free )?(resource|resources|site|website|web ?site|platform|app|channel|blog)\b|\bcheck (it )?out (this|my|our)\b|\b(visit|subscribe)\b.{0,20}\b(my|our) (channel|site|website|page|blog)\b/i,
  /\b(placement (assistance|guarantee|support)|training institute|coaching (centre|center|institute)|best [\w-]+ (course|courses|institute|training|classes) in [A-Z]?\w+)\b/i,
  /\b(unlock|unlocks) (any|a) (document|course hero|chegg)|\b(course hero|chegg|scribd)\b|\bgithub stars\b|\b(tickets?)\b.{0,40}\b(selling|for sale|cheap)\b/i,
];
const CONTACT = [/\b(call|ring|text|sms|contact)( us| me)?( (now|today|at|on))?:? ?\+?\d[\d\s-]{7,}/i, /\b(whats ?app|telegram|t\.me\/|skype|wechat|signal app|viber|dm me|inbox me|escr[ií]beme|escr[ií]benos|chama no|call (now|us|me))\b/i, /[\w.+-]+@[\w-]+\.[a-z]{2,}/i];
const PHONE = /(?<![\w.])(?:\+\d{1,3}[\s-]?)?(?:\(?\d{2,5}\)?[\s-]?){2,4}\d{2,5}(?![\w.])/g;

/** Boards, devices and tools the course does not use (its kit is the Arduino Nano 33 BLE Sense). */
const FOREIGN_HARDWARE = /\b(esp32(-s3|-cam|-c3)?|esp8266|esp-idf|jetson|coral|raspberry ?pi|rpi ?\d|pico\b|rp2040|stm32\w*|nucleo|nrf52\w*|nicla|portenta|xiao|uno r4|arduino uno|uno clon\w*|\buno\b|nano every|nano rp2040|mega 2560|arduino mega|teensy|k210|maixduino|m5stack|particle|sipeed|kendryte|pixel \d|iphone|android phone|samsung|smartwatch|alexa|google home|home assistant|playstation|xbox|gaming pc|graphics card|gpu for gaming|rtx ?\d{4}|gtx ?\d{3,4}|ch340|avrdude|atmega\w*|attiny\w*|pynq|fpga|beaglebone|micro:bit|microbit|3d printer|drone|robot vacuum|oscilloscope|multimeter)\b/gi;
const NOT_COURSE_BOARD = /\b(not (the|our) (course|kit) board|not the course|no es (la placa|el kit) del curso|no es del curso|n[aã]o [eé] (a placa|o kit|do curso)|other than the (course|kit)|(another|different|other) (board|project|course|class)|side project|own project|for work|for my (job|work|company)|nahi hai course)\b/i;
const SOCIAL = [
  /\b(meetup|meet-?up|summit|conference|conf\b|expo|embedded world|hackathon|anyone going|alguien va|algu[eé]m vai|koi aa raha|grab a (beer|coffee)|caf[eé] no intervalo|keynote|webinar|talk recordings?)\b/i,
  /\b(memes?|joke|funniest|friday thread|happy friday|off.?topic|just for fun|lol|haha|i'?ll see myself out)\b/i,
  /\b(career|resume|r[eé]sum[eé]|cv\b|job (market|hunt|search)|interviews?|salary|hiring manager|freelanc\w*|linkedin)\b/i,
  /\b(which (one )?should i buy|worth (it|buying)|budget (is|of|around)|price (matters|here)|recommend (a|me|some)|recomiendan|recomendam|vale a pena|best \w+ for a beginner|soldering iron|books? (on|about|de))\b/i,
  /\b(homework|my (python|java|math|calculus) class|university assignment|another (course|class))\b/i,
  /\b(chatgpt|openai|llms?|gpt-?\d|stable diffusion)\b/i,
  /\b(coursera|udemy|udacity|fast\.?ai|deeplearning\.ai|andrew ng|kaggle competition|cs229|cs231n|another course|other courses?|master'?s (degree|program)|phd|grad school|bootcamp)\b/i,
  /\b(podcasts?|youtube channels?|favou?rite \w+|recommendations?|book recommendations?|what do you (all )?(think|use|listen)|anyone else (watch|read|listen)\w*)\b/i,
  /\b(anyone (here )?(from|in|going|attending|interested)|meet (up|in person)|networking|let'?s connect|study (group|buddy|partner)|introduce myself|hello everyone,? i'?m|shout ?out|congrats|happy (new year|holidays|birthday)|thank you all)\b/i,
];
const MATERIAL = [
  /\b(slides?|slide deck|deck|reading|readings|pdf|video|videos|screencast|lecture|caption|captions|subtitles?|legendas?|subt[ií]tulos|transcript|outline|syllabus|quiz|quizzes|formative|summative|exam question|question \d+|answer key|assignment|courseware|course page|item|item title|module|unit|diagrams?|figure|table|equation|formula|diapositivas?|lectura|leitura|v[ií]deo|cuestionario|question[aá]rio)\b/i,
  /\b(colab|notebook|ipynb|example sketch|library example|the example|provided code|starter code|solution (notebook|pdf|file)|github repo|course repo)\b/i,
];
const DEFECT = [
  // The material out of date or gone, in Spanish and Portuguese.
  /\b(n[aã]o existe( mais)?|no existe( m[aá]s)?|ya no existe|deve ter mudado|debe haber cambiado|cambi[oó] de nombre|mudou de nome|foi renomead\w+|fue renombrad\w+|link quebrado|enlace roto|desactualizad\w+|desatualizad\w+|can'?t be followed as written)\b/i,
  // Quiz keys and options: the right answer marked wrong, identical options, a checker expecting the wrong thing.
  /\bmarks? (the |my )?(right|correct) (answer|option|one) (as )?(wrong|incorrect)|\b(two|both|options? \w) (are |have )?(identical|the same|duplicated?)\b|\b(checker|check cell|grader|autograder|test cell|answer key|key)\b.{0,60}\b(expect\w*|wants?|requires?)\b.{0,40}\b(wrong|different|instead|but)\b|\b(every|any|my) (correct|right) (solution|answer|option)s?\b.{0,30}\b(fails?|marked|rejected)|\b(formula|f[oó]rmula|equation|number|figure|graph|plot|legend|caption|diagram|table)\b.{0,40}\b(wrong|is off|backwards|inverted|upside down|mal|errad[oa]|trocad[oa]|invertid[oa])\b/i,
  /\b(says|states|claims|shows|reads|lists|uses)\b.{0,60}\bbut\b.{0,60}\b(actually|really|should|is|are|the (paper|docs?|notebook|code|video|slide))\b|\b(doesn'?t|does not|don'?t|do not) match\b|\bmismatch\w*|\binconsistent\b|\b(labels?|answers?|options?|names?|captions?|axes) (are |were |is )?(swapped|reversed|switched|mixed up|flipped|backwards)\b|\bmarked (as )?(wrong|incorrect|correct)\b|\b(accepted|correct|right) answer is (wrong|marked)|\berrata\b|\berror tipogr\w+|\berro de digita\w+/i,
  /\b(no longer (available|exists|works|supported)|removed in|doesn'?t exist anymore|was (removed|renamed|moved|deprecated)|pinned (to|version)|could not find a version|no matching distribution|modulenotfounderror|has no attribute|deprecated\b|old version of|out of date|obsolete|link (is )?(dead|broken|wrong)|leads to|redirects to|goes to (the )?(wrong|same|another|old|a different)|(silent|muted|black screen|no picture|cut(s)? off|ends abruptly|stops at))\b/i,
  /\b(typo|misspel\w*|spelling|should (be|say|read)|instead of|contradict\w*|wrong (answer|key|label|link|file|video|slides?|pdf|number|units?|title|order)|swapped|mislabel\w*|trocad[oa]s|cambiad[oa]s|incorrect)\b/i,
  /\b(404|not found|broken (link|markdown)|dead link|placeholder|todo\.pdf|private video|video (is )?(private|unavailable)|unavailable|blank (page|pages)|is empty|empty (page|widget)|no (sound|audio)|out of sync|sem [aá]udio|sin (audio|sonido))\b/i,
  // The material disagreeing with itself or with the facts, or pointing at something gone (any phrasing of "it's the other way round").
  /\b(the other way (round|around)|(text|slides?|video|reading|figure|diagram|caption|table) and (the )?(text|slides?|video|reading|figure|diagram|caption|table|code) (disagree|contradict|differ)|while the (text|slides?|video|reading|narration|notebook) (says|shows)|(diagram|figure|picture|image|photo) (of|from|for) (another|a different|the wrong|an older)|wrong (image|diagram|figure|graph|picture|photo|pinout)|(has|have) been (moved|removed|renamed|deleted|taken down)|(isn'?t|is not|aren'?t|are not) (in|on|there) \w*.{0,20}anymore|al rev[eé]s|ao contr[aá]rio|ulta hai)\b/i,
  /\b(same (pdf|video|deck|slides|one) as|plays (exactly )?the|opens the (wrong|same)|points to (the )?(wrong|same)|links? to (the )?(wrong|same|another)|abre (o|el) (mesmo|otro|outro)|outdated|still says|still tells|no longer (exists|works)|deprecated)\b/i,
];
const AS_SHIPPED = /\b(fresh copy|clean copy|brand.new copy|new copy|nothing changed|without (changing|editing|touching|modifying) anything|didn'?t (change|touch|modify|edit) anything|haven'?t (changed|touched|modified|edited) anything|unmodified|untouched|provided (test |check )?(cell|code)|as provided|as is|straight from the (course|repo|link)|opened (it )?from the (course|outline|link)|run all|first cell|c[oó]pia nova|copia nueva|sin cambiar nada|sem mudar nada|sem alterar nada)\b/i;

/** Offers that sell a way around the course's integrity: answer dumps, fake certificates, essays written for you. */
const CHEATING = /\b(answer (bank|key|dump|sheet)s?|leaked (answers?|exams?|tests?|questions)|(all|every) (the )?([\w-]+ )?(quiz|quizzes|exam|test|assignment)s? (answers|solutions|solved)|(graded|summative|final) (quiz|exam|test)(zes|s)? (answers|solutions|solved)|answers (for|to) (every|all)|certificates?\b.{0,40}\b(without (the )?(exams?|tests?|courses?|studying)|in \d+ (hours|days)|no exams?)|(sem|sin) (estudar|estudiar|provas?|examenes)|we (write|do) your|(essay|thesis|assignment|homework) (help|service|writing|writers)|do (your|the) (assignments?|colab assignments?) for you|plagiarism.free|native writers)\b/i;

/** "Answer key", "solutions" and the like are also words of honest bug reports: they are cheating only when sold or handed out. */
const SELLING = /\b(sell|selling|sale|buy|price|pay|paypal|fee|\$\s?\d|usd|vendo|venda|vender|precio|pre[cç]o|r\$|rupees|dm me|inbox me|whats ?app|telegram|download|free|gratis|for you|full marks|guaranteed|garantid\w*|100 ?%)\b/i;
/** Threats about an account and a link to "verify" it. */
const PHISHING = /\b((verify|confirm|validate|reactivate|unlock) (your|the) (edx |course |tinyarena |discord )?(account|login|identity|e-?mail|password|certificate|enrollment)|(account|certificate|enrollment) (will be|has been|is) (suspended|locked|closed|deactivated|revoked|cancell?ed)|unusual (activity|sign.?in|login)|within (12|24|48|72) hours|security alert|suspended due to)\b/i;
/** Course material resold or pirated: "all the videos in a zip", "mega link", "members only, pay via paypal". */
const RESALE = /\b(mega|mediafire|torrent|telegram|google drive) (link|group|channel)\b|\bmembers only\b|\b(via|by|through) paypal\b|\bpaypal (me|to)\b|\b(all|every|full) (the )?(course )?(videos|slides|notes|notebooks|solutions)\b.{0,60}\b(zip|download|link|pdf|\$|usd|paypal|sale|price|buy)\b/i;
const COLAB_SIDE = String.raw`(colab|notebook|python|jupyter|keras|training|train|trained|validation|val acc\w*|test acc\w*|laptop|pc|entren\w*|trein\w*|cuaderno|caderno)`;
const BOARD_SIDE = String.raw`(board|boards|nano|arduino|device|device stage|on-device|microcontroller|mcu|placa|dispositivo|sketch|arena)`;
const CONTRAST = String.raw`(but|however|while|whereas|yet|then|pero|mas|porem|lekin|par|magar|on the|en la|na|pe|sur la)`;
const COLAB_VS_BOARD = new RegExp(String.raw`\b${COLAB_SIDE}\b.{0,140}\b${CONTRAST}\b.{0,80}\b${BOARD_SIDE}\b|\b${BOARD_SIDE}\b.{0,60}\b(accuracy|score|predictions?|results?)\b.{0,80}\b(while|whereas|but|than|pero|mas|lekin|jabki)\b.{0,40}\b${COLAB_SIDE}\b|\bworks?\b.{0,30}\b(in|on) (colab|the notebook|python)\b|\b(funciona|sahi|chal raha)\b.{0,20}\b(en|no|me) (colab|el notebook)\b`, 'is');

/**
 * The same classes in French, German and Italian, matched on the text with accents folded (so no pattern
 * depends on how an accent was typed, and \b works at accented letters).
 */
const INTL = {
  money: /\b(gagnez|gagner (de l'argent|\d)|verdiene (\d|geld)|verdienen sie|geld verdienen|guadagna (\d|soldi)|guadagnare (soldi|\d)|revenu passif|passives einkommen|reddito passivo)\b/i,
  urgency: /\b(places limitees|derniere chance|aujourd'hui seulement|nur noch \d+ (platze|platz)|nur heute|letzte chance|ultimi posti|solo oggi|posti limitati|ultima occasione)\b/i,
  promotion: [
    /\b(sans (aucune )?experience|aucune experience|ohne vorkenntnisse|keine erfahrung|senza esperienza|nessuna esperienza|code promo|codice sconto|gutscheincode|rabattcode|livraison (gratuite|offerte|en \d+ ?h)|kostenloser versand|spedizione gratuita|pas cher|pas chers|prix (bas|imbattables)|prezzi bassi|gunstig|100 ?% (authentique|garanti|echt|garantito)|garanti[es]?|garantiert|garantit[oa])\b/i,
    /\b(nous (proposons|offrons|ecrivons|redigeons)|nos services|notre (equipe|agence|robot)|wir (bieten|schreiben|erstellen)|unser(e|en)? (team|service|bot|agentur)|offriamo|scriviamo|il nostro (servizio|team)|i nostri servizi|servizio professionale|bon plan)\b/i,
    /\b(redaction de (memoire|these|devoirs)|scrittura (di )?(tesi|relazioni)|tesi di laurea|hausarbeiten? schreiben|ghostwriter|nessun plagio|sans plagiat|plagiatsfrei)\b/i,
  ],
  contact: /\b(contactez[- ]nous|ecrivez[- ]nous|ecrivez[- ]moi|schreib (mir|uns)|schreiben sie (mir|uns)|kontaktiere (mich|uns)|scrivici|scrivimi|contattaci|contattami)\b/i,
  phishing: /\b((votre|ton) compte .{0,40}(sera|va etre|a ete) (suspendu|bloque|ferme|supprime)|activite inhabituelle|verifiez votre (identite|compte)|sous (12|24|48|72) heures|(ihr|dein) konto .{0,40}(wird|wurde) (gesperrt|geloscht|deaktiviert)|ungewohnliche aktivitat|bestatigen sie (ihre|ihr) (identitat|konto)|innerhalb von (12|24|48|72) stunden|(il tuo|tuo) account .{0,40}(sara|verra|e stato) (sospeso|bloccato|chiuso)|attivita insolita|verifica (il tuo account|la tua identita)|entro (12|24|48|72) ore)\b/i,
  cheating: /\b(certificat\w* .{0,40}sans (passer )?(les )?examens?|zertifikat\w* .{0,40}ohne prufung|certificat\w* .{0,40}senza (esami|esame)|(toutes les|alle) (reponses|antworten|risposte) (des|der|dei) (quiz|tests?|prufungen|esami))\b/i,
  social: [
    /\b(conference|salon|rencontre|apero|konferenz|messe|stammtisch|treffen|conferenza|fiera|incontro)\b/i,
    /\b(reconversion|carriere|emploi|entretien d'embauche|premier poste|karriere|bewerbung|vorstellungsgesprach|carriera|colloquio|stage en entreprise|master en|masterstudium|laurea magistrale)\b/i,
    /\b(vous avez des recommandations|que me conseillez|lohnt sich|empfehlung(en)?|was empfehlt ihr|consigli|cosa mi consigliate|vale la pena|fer a souder|lotkolben|saldatore|quel livre|welches buch|quale libro)\b/i,
    /\b(quelqu'un (va|suit|fait|d'autre)|jemand (hier|geht|macht)|qualcuno (va|segue|fa)|groupe (d'etude|whatsapp|telegram)|lerngruppe|gruppo (di studio|su telegram))\b/i,
  ],
  notCourseBoard: /\b(hors (cours|sujet)|pas (le kit|la carte du cours|lie au cours)|projet perso\w*|mon propre projet|nicht (direkt )?(kursstoff|zum kurs)|nicht das kurs-?board|eigenes projekt|privates projekt|fuori (dal )?(corso|tema)|non (e|riguarda) (del|il) corso|progetto personale)\b/i,
  material: /\b(diapositives?|lecture|video|sous-titres|questionnaire|quiz|cahier|lien du cours|folien|untertitel|vorlesung|aufgabe|diapositive|sottotitoli|lezione|esercizio|elemento|titel|titre|titolo|libelles?|abschnitt|sezione)\b/i,
  defect: [
    /\b(faute( de frappe| d'orthographe)?|coquille|lien (casse|mort|brise|errone)|n'existe plus|(sont|est|semblent) inverses?|inverses|obsolete|renvoie (une )?404|tippfehler|schreibfehler|vertauscht|veraltet|existiert nicht mehr|(link|verweis) (ist )?(kaputt|tot|falsch)|falsche[rnms]? (link|datei|antwort|titel)|refuso|errore di battitura|link (rotto|errato|non funziona)|non esiste piu|invertit[ie]|scambiat[ie]|obsolet[oa]|segnaposto|gehort da (wohl )?nicht hin)\b/i,
  ],
  asShipped: /\b(copie (neuve|propre|fraiche)|sans rien (modifier|changer|toucher)|je n'ai rien (modifie|change|touche)|depuis le lien du cours|frische kopie|ohne etwas zu andern|nichts geandert|unverandert|copia nuova|senza modificare nulla|non ho (modificato|cambiato|toccato) nulla|dal link del corso)\b/i,
  colabVsBoard: /\b(colab|notebook|entrain\w*|trainiert|addestr\w*)\b.{0,140}\b(mais|aber|doch|jedoch|mentre|invece|tandis que|alors que)\b.{0,80}\b(carte|nano|platine|board|scheda|arduino)\b|\b(marche|fonctionne|funktioniert|funziona)\b.{0,20}\b(dans|im|in|nel) (colab|le notebook|notebook)\b/is,
};

/** Normalised sentences of a text, for repetition checks. */
function sentences(text: string): string[] {
  return text
    .toLowerCase()
    .split(/(?<=[.!?])\s+|\n+| - | — /)
    .map((s) => s.replace(/[^a-z0-9à-ÿ ]+/g, ' ').replace(/\s+/g, ' ').trim())
    .filter((s) => s.split(' ').length >= 4);
}

/** A fingerprint of a post for "repeated text across topics": its longer sentences, normalised. */
export function textFingerprint(title: string, body: string): string[] {
  return [...new Set(sentences(`${title}\n${body}`).filter((s) => s.length >= 24))].slice(0, 12);
}

const matches = (res: readonly RegExp[], text: string) => res.map((re) => re.exec(text)?.[0]).filter((m): m is string => !!m);

/**
 * Forum signals of one post. `knownShare` is the share of its content words the course material knows
 * (from the retriever); `courseDomains` are the hosts the material itself links to.
 */
export function forumSignals(post: { title: string; body: string }, meta: PostMeta | undefined, ctx: { knownShare: number; courseDomains: ReadonlySet<string> }): ForumSignals {
  const text = `${post.title}\n${post.body}`;
  const prose = text.replace(/```[\s\S]*?```/g, ' ');
  // Folded, with elisions kept: the French, German and Italian patterns read this.
  const foldedProse = fold(prose).replace(/[’‘]/g, "'");
  const intl = (re: RegExp) => re.exec(foldedProse)?.[0] ?? [];
  const urls = prose.match(URL_RE) ?? [];
  // "The answer key marks the right option wrong" is a bug report: the key named with a defect, nothing sold or linked.
  const honestKey = (m: string) => /^answer (key|sheet)s?$/i.test(m) && !SELLING.test(prose) && urls.length === 0 && DEFECT.some((re) => re.test(prose));
  const hosts = new Set<string>();
  for (const u of urls) {
    try {
      hosts.add(registrable(new URL(u.startsWith('http') ? u : `http://${u}`).hostname));
    } catch {
      /* not a URL after all */
    }
  }
  const noUrls = prose.replace(URL_RE, ' ').replace(/`[^`\n]*`/g, ' ');
  for (const m of noUrls.matchAll(DOMAIN)) {
    const tld = m[2]!.toLowerCase();
    if (NOT_TLD.has(tld) || /^\d/.test(tld)) continue;
    // "e.g", "i.e", version-like and identifier-like names are not hosts.
    const host = m[1]!.toLowerCase();
    if (/^(e\.g|i\.e|etc)\b/.test(host) || !/[a-z]{2,}/.test(host.split('.')[0]!)) continue;
    if (/^(tf|np|torch|keras|os|sys|serial|model|interpreter|self|layers|tensorflow|tflite|micro|lite)\./.test(host)) continue;
    hosts.add(registrable(host));
  }
  const technical = new Set([...TECHNICAL_DOMAINS.map(registrable), ...ctx.courseDomains]);
  const domains = [...hosts];
  const foreignDomains = domains.filter((d) => !technical.has(d));
  const phones = [...prose.replace(URL_RE, ' ').matchAll(PHONE)].filter((m) => m[0].replace(/\D/g, '').length >= 9 && !/^\d{4}-\d{2}-\d{2}/.test(m[0].trim())).length;
  const sents = sentences(prose);
  const counts = new Map<string, number>();
  for (const s of sents) counts.set(s, (counts.get(s) ?? 0) + 1);
  let selfRepeat = sents.length ? sents.filter((s) => counts.get(s)! > 1).length / sents.length : 0;
  // Keyword stuffing: the same three words again and again ("best IoT course Hyderabad").
  const toks = prose.toLowerCase().replace(URL_RE, ' ').match(/[a-z\u00e0-\u00ff]{3,}/g) ?? [];
  const tri = new Map<string, number>();
  for (let i = 0; i + 2 < toks.length; i++) {
    const k = `${toks[i]} ${toks[i + 1]} ${toks[i + 2]}`;
    tri.set(k, (tri.get(k) ?? 0) + 1);
  }
  if (Math.max(0, ...tri.values()) >= 3 && toks.length < 150) selfRepeat = Math.max(selfRepeat, 0.3);
  const trustLevel = typeof meta?.trustLevel === 'number' ? meta.trustLevel : null;
  const postCount = typeof meta?.postCount === 'number' ? meta.postCount : null;
  const firstPost = postCount !== null ? postCount === 0 || (postCount <= 1 && (trustLevel ?? 0) === 0) : false;
  const wordsN = Math.max(1, (prose.match(/\S+/g) ?? []).length);
  const caps = (prose.match(/\b[A-Z]{4,}\b/g) ?? []).filter((w) => !/^(HTTP|JSON|USB|COM\d|LED|RAM|FLASH|TFLM|TFLITE|INT8|UINT8|GPU|CPU|IDE|API|PDF|KWS|VWW|IMU|PDM|MFCC|CNN|DNN|NOTE|EDIT|UPDATE|TODO|ERROR|WARNING|FAIL|FAILED|DONE|README)$/.test(w)).length;
  const bangs = (prose.match(/!/g) ?? []).length;
  return {
    links: urls.length + (domains.length > urls.length ? domains.length - urls.length : 0),
    domains,
    foreignDomains,
    money: matches(MONEY, prose).concat(intl(INTL.money)),
    urgency: matches(URGENCY, prose).concat(intl(INTL.urgency)),
    promotion: matches(PROMOTION, prose).filter((m) => !honestKey(m)).concat(RESALE.exec(prose)?.[0] ?? [], matches(INTL.promotion, foldedProse)),
    contact: matches(CONTACT, prose).concat(intl(INTL.contact)),
    phones,
    selfRepeat,
    newAccountLink: firstPost && foreignDomains.length > 0,
    trustLevel,
    repeats: typeof meta?.repeats === 'number' ? meta.repeats : 0,
    outOfDomain: 1 - ctx.knownShare,
    foreignHardware: [...new Set((prose.match(FOREIGN_HARDWARE) ?? []).map((s) => s.toLowerCase()))],
    notCourseBoard: NOT_COURSE_BOARD.test(prose) || INTL.notCourseBoard.test(foldedProse),
    social: matches(SOCIAL, prose).concat(matches(INTL.social, foldedProse)),
    material: matches(MATERIAL, prose).concat(intl(INTL.material)),
    defect: matches(DEFECT, prose).concat(matches(INTL.defect, foldedProse)),
    asShipped: AS_SHIPPED.test(prose) || INTL.asShipped.test(foldedProse),
    shouting: ((caps + bangs) * 100) / wordsN,
    cheating: (() => {
      const m = CHEATING.exec(prose)?.[0] ?? INTL.cheating.exec(foldedProse)?.[0] ?? null;
      // "answer key" in a bug report is not an offer; an offer sells, links or hands out.
      return m && !honestKey(m) ? m : null;
    })(),
    phishing: PHISHING.exec(prose)?.[0] ?? INTL.phishing.exec(foldedProse)?.[0] ?? null,
    colabVsBoard: COLAB_VS_BOARD.test(prose) || INTL.colabVsBoard.test(foldedProse),
    outsideDownload: foreignDomains.length > 0 && /\.(exe|apk|msi|scr|bat|dmg|pkg)\b|\b(download|install)\b.{0,40}\b(installer|setup|utility|fixer|driver pack|cleaner)\b/i.test(prose),
  };
}

/** The promotion score used by the spam rule and shown to moderators: a count of independent signals. */
export function spamEvidence(s: ForumSignals): { score: number; reasons: string[] } {
  const reasons: string[] = [];
  let score = 0;
  const add = (w: number, why: string) => {
    score += w;
    reasons.push(why);
  };
  if (s.foreignDomains.length) add(Math.min(2, s.foreignDomains.length) * 0.6, `links to ${s.foreignDomains.slice(0, 3).join(', ')}`);
  if (s.money.length) add(Math.min(2, s.money.length) * 0.7, `money: ${s.money.slice(0, 3).map((m) => `"${m}"`).join(', ')}`);
  if (s.urgency.length) add(0.8, `urgency: ${s.urgency.map((m) => `"${m}"`).join(', ')}`);
  if (s.promotion.length) add(Math.min(3, s.promotion.length) * 0.7, `promotion: ${s.promotion.slice(0, 4).map((m) => `"${m}"`).join(', ')}`);
  if (s.contact.length) add(0.9, `contact channel: ${s.contact.join(', ')}`);
  if (s.phones) add(0.7, `${s.phones} phone number(s)`);
  if (s.selfRepeat >= 0.3) add(1, `repeats itself (${Math.round(s.selfRepeat * 100)} % of sentences)`);
  if (s.newAccountLink) add(1, "new account's first post, with an outside link");
  if (s.cheating) add(1.5, `sells a way around the course: "${s.cheating}"`);
  if (s.phishing) add(s.foreignDomains.length ? 1.5 : 0.8, `account threat (phishing): "${s.phishing}"`);
  if (s.outsideDownload) add(1.5, 'an installer or executable to download from an outside site');
  if (s.repeats > 0) add(Math.min(2, s.repeats), `same text as ${s.repeats} earlier topic(s)`);
  if (s.trustLevel !== null && s.trustLevel >= 2) add(-1, `author trust level ${s.trustLevel}`);
  return { score, reasons };
}
