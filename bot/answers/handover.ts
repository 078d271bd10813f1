/**
 * "Needs a person": questions no course material can settle, recognised before any retrieval, so they
 * never get a confident answer that cites an unrelated FAQ entry. Each class says where to go instead.
 *
 * The classes: grades (scores, progress, deadlines, quiz keys disputed), certificates (not issued,
 * wrong, missing), accounts (login, email, locked, linked handles, tokens), payment (refunds, invoices,
 * discounts, upgrades), personal data (deletion, export, takedown), unannounced plans (next runs, future
 * kits, courses or challenges), outside the course (other devices, other classes' homework, official
 * letters), and other requests only staff can act on (graded answers, broken courseware, talks,
 * moderation).
 *
 * Each class is a set of patterns over the question in the forum's languages (English, Spanish,
 * Portuguese, Hindi-English). Most describe a shape rather than a phrase: whose record it is (mine, a
 * friend's, "I paid and passed"), what is asked of staff (extend, reopen, regrade, correct, reissue,
 * delete, link), when (future tenses, time horizons, dates asked for), so that wordings nobody wrote
 * here still match; they were checked against probes written before the system answered them (see
 * corpus/README.md). A question that only asks how something works in general ("can I get a
 * certificate if I audit?", "can I use an ESP32 for the labs?", "who can see my leaderboard scores?")
 * is a course question and is answered. Pure and fast.
 */
import { fold } from './text.js';

/** Why a question needs a person. */
export type HandoverReason = 'grades' | 'certificate' | 'account' | 'payment' | 'personal-data' | 'unannounced-plans' | 'outside-course' | 'other';

/** Where each kind of question should go (shown instead of an answer). */
export const WHERE_TO_GO: Record<HandoverReason, string> = {
  grades: 'Grades, progress and deadlines are kept by edX and only the course staff can look at your record or change it. I have flagged this for them; you can also write to edX support (Help → Contact support on your dashboard) with the course name and a screenshot.',
  certificate: 'Certificates are issued by edX: check Dashboard → Progress first. If yours is still missing or wrong, edX support (Help → Contact support) can fix it; I have flagged this for the course staff too.',
  account: 'Account problems need someone who can see your account: edX support (Help → Contact support) for your edX login and email; an organizer for your TinyArena handle, Discord link or API token. I have flagged this for the moderators.',
  payment: 'Payments, refunds, invoices and discounts are handled by edX support (Help → Contact support); course staff cannot see or change payments. I have flagged this for the moderators too.',
  'personal-data': 'Requests about your personal data (a copy, deletion, removing your name or a screenshot) go to the moderators, who can act on the forum, Discord and TinyArena, and to edX for your edX records. I have flagged this for them; please do not post more personal details publicly.',
  'unannounced-plans': 'Nothing about that has been announced. Plans and dates are published in the course announcements and the forum\'s Announcements category; I have passed your question to the course staff.',
  'outside-course': 'That is outside this course, so the course material cannot answer it (the course covers the Arduino Nano 33 BLE Sense kit and its own labs). I have flagged it for the moderators; the forum\'s general channels may help.',
  other: 'This needs a person rather than the course material, so I have flagged it for the moderators.',
};

const MY = String.raw`(my|mine|i|i'?ve|i'?m|me|mi|mis|meu|minha|meus|minhas|mera|meri|mere|mujhe|maine|our)`;

/** Graded items of the course (not the competition, whose quota and ranking the FAQ explains). */
const GRADED_ITEM = String.raw`quiz|quizzes|tests?|exams?|summatives?|finals?|final exam|assignments?|graded \w+|examen(es)?|exames?|provas?|testes?|cuestionarios?|questionarios?`;
/** What only staff can grant for a graded item. */
const GRADE_REQUEST = String.raw`still submit|submit (it |them )?(late|now|anyway)|accept (it|my|them)|(won'?t|doesn'?t|didn'?t) let me (submit|answer|finish|retry)|used (\d+|all|both) (of|out of)|closed (early|before)|extend|extended|extension|postpone|reopen\w*|re-open\w*|reset|retake|re-take|retry|regrade\w*|re-grade\w*|regraded|more time|extra time|another (attempt|chance|try)|one more (attempt|chance|try)|prorrog\w+|reabrir|reabr\w+|repetir|refazer|rehacer`;

/**
 * The future as the forum's languages say it, when it is about the course rather than the learner's
 * model: auxiliaries other than English "will" (too often about compatibility: "will the labs work…"),
 * time horizons, a date asked for, reopening.
 */
const FUTURE_TENSE = String.raw`(the |a |an )20[2-9]\d|in the pipeline|on the roadmap|in development|coming soon|upcoming|in the works|(bringing|putting) out|launching|releasing|scheduled|announced|dates|habra|habran|havera|haveria|tendra|tera|terao|(in|em|en|for|para|by) 20[2-9]\d|va a haber|van a (abrir|sacar|lanzar|hacer|ofrecer|tener|actualizar)|vai (ter|haver|abrir|sair|lancar)|vao (ter|abrir|lancar|oferecer)|irao|aane wal[aie]|aayeg[ai]|hog[ai] kya|at some point|someday|some day|one day|eventually|in the future|this (summer|fall|autumn|winter|spring|year)|next (summer|fall|autumn|winter|spring|year|month|semester)|later this year|el ano que viene|el proximo ano|ano que vem|proximo ano|este ano|algum dia|algun dia|any (date|news|timeline|eta)|(what|which|a) (date|timeline)|release date|launch date|start date|fecha`;
/** What the organisers offer: runs, editions, seasons, enrolment, translations, kits and prices. */
const OFFERING = String.raw`courses?|cursos?|edition|edicion|edicao|season|temporada|cohorts?|turmas?|batch|sessions?|competitions?|concurso|competicao|competencia|challenges?|desafios?|subtitles|subtitulos|legendas|captions|translations?|traduccion|traducao|dubbing|inscripcion\w*|inscricoes|inscricao|enrol\w*|registration|matricula\w*|kit|kits|price|prices|preco|precio|labs|hands-on|specialization|program|programme|live (session|version|class)|presencial|in.person|meetup`;

/** Pattern sets per class (folded text: lower case, no accents). */
const PATTERNS: [HandoverReason, RegExp[]][] = [
  [
    'grades',
    [
      new RegExp(String.raw`\b${MY}\b.{0,40}\b(grade|grades|score|marks?|progress|nota|notas|puntaje|pontuacao|result)\b.{0,60}\b(wrong|incorrect|missing|zero|0 ?/ ?\d+|not (updated|showing|counted|passed|recorded)|still|shows?|says|dikha|errad[ao]|incorrect[ao]|no aparece|nao aparece|lost|vanished|disappeared|gone|sumiu|desaparec\w*)`, 'i'),
      new RegExp(String.raw`\b${MY}\b.{0,40}\b(test|quiz|exam|assignment|summative)\b.{0,60}\b(shows?|says|marked|graded|gives?)\b.{0,20}(\b0\b|\bzero\b|\d+ ?/ ?\d+|\bwrong\b|\bincorrect\b|\bfail)`, 'i'),
      /\b(grade|grades|score|progress|marks?)\b.{0,30}\b(not (updated|showing|counted|recorded)|is wrong|are wrong|incorrect|missing|should be \d)/i,
      /\b(not passed|regrade|re-?grade|lost points|fix my (score|grade)|marks the right (option|answer) as wrong|grading (is )?wrong|recalificar|revisar mi nota|revisar minha nota)\b/i,
      // Resetting or reopening the record itself ("reset my attempts", "reopen the quiz"), not the board's reset button before a test sketch.
      /\b(reset|reopen|re-open|restore|give me (more|another|extra)|one more)\b(?:(?!\b(sketch|board|button|program|code)\b).){0,30}\b(attempts?|tries|quiz|exam|test|summative)\b(?! (sketch|sketches|program|code|script))/i,
      /\b(extend|extension|postpone|more time)\b.{0,40}\b(due date|deadline|test|exam|quiz)\b|\b(prorroga|extender el plazo|prorrogar|estender o prazo)\b/i,
      // A graded item's record in the gradebook: not attempted, no points, graded wrongly, asked to be reviewed.
      /\b(quiz|quizzes|test|exam|summative|final|assignment|question \d+)\b.{0,60}\b(not attempted|showing as|shows as|(graded|marked|scored) (incorrectly|wrongly|wrong|as wrong|as incorrect)|(gave|give|giving) me (0|zero|no)|(0|zero|no) (points|marks|credit)|can (staff|someone|you) (review|check|look))\b/i,
      /\b(progress|grade|grades|gradebook|overall (grade|score))\b ?(tab|page|bar)?.{0,60}\b(dropped|went down|decreased|changed|reset|disappeared|\d+ ?%|0 marks|zero)\b.{0,80}\b(but|even though|although|sure|look at|check|review|without)\b/i,
      /\b(progress|grade|marks|nota|notas|score)\b.{0,30}\b(page|tab|pe|me)?\b.{0,20}\b(0|zero|galat)\b.{0,20}\b(marks|dikha|dikh|aa rah|show)\w*/i,
      // Graded attempts used up or lost (not the competition's daily quota, which the FAQ explains).
      /^(?!.*\b(submissions?|challenges?|leaderboard|tinyarena|arena|quota|preflight|bot)\b).*(\b(no|zero|0|ran out of|used (up )?(all|my)|lost (my|an?|the)|sin|sem)\b.{0,15}\b(attempts?|tries|intentos?|tentativas?)\b|\b(attempts?|tries|intentos?|tentativas?)\b.{0,20}\b(remaining|left|khatam|acab\w+|esgot\w+|used up|gone|back)\b)/i,
      // Credit for late or partial work, disputed keys: decisions about the record.
      /\b(partial|late|extra) (credit|submission|penalty)\b|\b(handed|turned|submitted|sent) (it |them )?in late\b|\b(dispute|contest|appeal)\b.{0,40}\b(answer key|grade|grading|marks?|score|question|quiz|exam|test)\b|\banswer key\b.{0,40}\b(wrong|incorrect|mistake|error)\b|\b(option|answer|alternativa|opcion|opcao) [a-e1-5] (is|was|es|e) (also |tambien |tambem )?(correct|right|valid|correcta|correta)\b/i,
      // More time for a graded item, or a graded item reopened, however the reason is told.
      /\b(more|extra|additional|\d+ more) (time|days?|weeks?|hours?)\b.{0,40}\b(exam|quiz|test|summative|final|deadline|due date|assignment)\b|\b(mas|mais) (tiempo|tempo|dias)\b.{0,40}\b(examen|exame|prova|teste|quiz|final|plazo|prazo)\b|\b(examen|exame|prova|quiz|exam|summative|sumativo)\b.{0,60}\b(reinici\w+|reabr\w+|reopen\w*|rever|revisar|revisao|otra oportunidad|outra chance|outra tentativa|otro intento|me dio 0|me deu 0|deu zero)\b/i,
      /\b(due date|deadline|plazo|prazo)\b.{0,60}\b(passed|missed|expired|reopen\w*|extend\w*|vencio|venceu|perdi|sick|ill|hospital\w*|emergency|enferm\w*|doente)\b|\b(sick|ill|hospital\w*|emergency|enferm\w*|doente|power cut|power outage)\b.{0,60}\b(exam|examen|exame|quiz|summative|deadline|due date|plazo|prazo|test)\b/i,
      // Passed by one's own account, not passed by the record's.
      /\bgrace period\b|\b(missed|perdi|perdí|miss kar)\b.{0,10}\b(the |my |el |la |o |a )?(final|quiz|exam|examen|exame|test|summative|deadline|due date|plazo|prazo)\b/i,
      /\b(aprob\w+|passed|pass kiye|passei|complete[d]?|termine|conclui)\b.{0,50}\b(no (he |has |me )?aprob\w*|not (passed|complete)|didn'?t pass|failing|reprobad\w*|nao (passei|aprovad\w*)|incomplete|incompleto)\b/i,
      // A grade asked to be looked at again.
      /\b(rever|revisar|review|re-?check|recheck|look at|reconsider|reconsiderar)\b.{0,20}\b(a |la |my |mi |minha |the |meine )?(nota|notas|grade|grades|marks|calificacion\w*|pontuacao)\b|\b(review|re-?check|recheck|look at)\b.{0,20}\bmy (score|result)s? (on|in|for) the (quiz|exam|test|summative)\b/i,
      // A quiz page that crashed or froze during an attempt.
      /\b(quiz|exam|examen|exame|summative|test)\b.{0,40}\b(page|submit|browser|pagina)\b.{0,30}\b(crash\w*|froze|frozen|hung|cerro|fechou|band ho|crash ho)\b/i,
      // The record says the learner has not passed, finished or attempted something.
      /\b(edx|the (course|platform|system|site|dashboard|page|progress page|gradebook)|o curso|el curso|la plataforma|a plataforma|dashboard|progress( page| tab)?)\b.{0,15}\b(says|shows|diz|dice|mostra|muestra|marks|lists|has)\b.{0,30}\b(not|no|nao|never|nahi|un)\b.{0,15}\b(approved|aprovad\w*|aprobad\w*|passed|pass|complete\w*|conclu\w*|attempted|submitted|graded|finished)\b/i,
      // A request to change a graded item's terms, in either order.
      new RegExp(String.raw`^(?!.*\b(challenges?|leaderboard|tinyarena|preflight|quota|sketch\w*|board|button|upload\w*|serial|colab|notebook|model|ide)\b).*(\b(${GRADED_ITEM})\b.{0,60}\b(${GRADE_REQUEST})\b|\b(${GRADE_REQUEST})\b.{0,60}\b(${GRADED_ITEM})\b)`, 'i'),
    ],
  ],
  [
    'certificate',
    [
      new RegExp(String.raw`\b(certificate|certificado|cert)\b.{0,60}\b(not|no|never|still|yet|wrong|name|download|button|missing|gayab|nahi|didn'?t|hasn'?t|llego|chegou|saiu|sem|issue me|anyway|error|verify link)\b`, 'i'),
      /\b(no|not|never|todavia no|ainda nao|abhi tak nahi)\b.{0,25}\b(llego|llegado|chegou|recebi|recibi|arrived|received|got|issued|emitido)\b.{0,20}\b(el |o |my |the )?(certificate|certificado|cert)\b/i,
      new RegExp(String.raw`\b(no|still no|where'?s|where is)\b.{0,20}\b(cert|certificate|certificado)\b.{0,40}\b(dashboard|profile|account)|\b${MY}\b.{0,20}\b(cert|certificate|certificado)\b.{0,30}\b(wrong|missing|name|not|never|still)`, 'i'),
      // Details on an issued certificate, or its verification: only edX can change or check them.
      /\b(certificate|certificado|cert|credential|diploma)\b.{0,60}\b(verif\w* (link|url|page|code)|qr( code)?|404|typo|misspel\w*|spelling|middle name|surname|last name|apellido|sobrenome|(completion|issue|issued) date|wrong date|cortad[oa]|truncat\w*)\b|\b(friend'?s|colleague'?s|son'?s|daughter'?s|wife'?s|husband'?s) (certificate|cert|credential)\b/i,
      // A certificate asked about by someone who says they earned it: their own record, not how certificates work.
      /\b(misspel\w*|typo|spelling|wrong name|wrong date|erro|error|falla|falha|doesn'?t (work|open|load)|broken)\b.{0,40}\b(certificate|certificado|cert)\b|\b(certificate|certificado|cert)\b.{0,40}\b(da erro|dá erro|erro|fehler|falla|falha|broken|reissue\w*|re-issue\w*|resend|re-send|in (spanish|portuguese|english|hindi|french))\b|\b(reissue|re-issue|resend|re-send|reemit\w*|reenvi\w*)\b.{0,30}\b(certificate|certificado|cert)\b/i,
      /\b(certificate|certificado|cert)\b.{0,80}\bi (have |already )?(paid|passed|finished|completed|earned|upgraded|did)\b|\bi (have |already )?(paid|passed|finished|completed|upgraded)\b.{0,80}\b(certificate|certificado|cert)\b|\b(certificate|certificado)\b.{0,80}\b(aprobe|termine|pague|passei|terminei|paguei|conclui)\b/i,
    ],
  ],
  [
    'account',
    [
      /\b(can'?t|cannot|unable to|not able to|no puedo|nao consigo)\b.{0,20}\b(log ?in(to)?|sign ?in(to)?|login|entrar|acceder|acessar)\b|\b(oauth|sso|single sign.on)\b/i,
      /\b(account|cuenta|conta)\b.{0,40}\b(deactivated|deleted|hacked|suspended|locked|blocked|bloquead[ao]|disabled|merge|duplicate|two accounts|desactivad[ao])\b/i,
      /\b(change|update|cambiar|mudar|trocar)\b.{0,20}\b(the |my |mi |meu )?(e-?mail|correo|username|user name|handle)\b.{0,30}\b(account|cuenta|conta|on)\b|\bchange (the )?e-?mail on my account\b/i,
      /\b(password|contrasena|senha|2fa|two.factor|authenticator)\b.{0,40}\b(reset|lost|forgot|not|doesn'?t|working|recover|olvide|esqueci)\b|\b(forgot|lost|reset) (my )?(password|2fa)\b/i,
      /\b(linked|connected) the wrong\b|\b(api )?token (was |got )?revoked\b|\bunder my old handle\b|\bwrong discord account\b/i,
      /\b(my|mi|meu|minha) (tinyarena |arena |api |access )*token\b.{0,40}\b(stopped|not working|doesn'?t work|invalid|expired|revoked|no funciona|nao funciona)\b/i,
      /\b(two|2|duplicate|second) (edx |tinyarena )?accounts?\b.{0,60}\b(merge|merged|combine|split|one)\b/i,
      // Codes and links that prove who one is, sent to the wrong place or never arriving.
      /\b(confirmation|verification|activation|one.time|security|login) (code|e-?mail|link|sms|text)\b.{0,40}\b(old|wrong|never|not|no|keeps|doesn'?t|didn'?t|expired|arriv\w*|llega|chega)\b|\b(old|former|previous) (phone|number|e-?mail|address)\b.{0,30}\b(code|verification|login|account|2fa)\b/i,
      // Someone else in one's account, or one's handle held by someone else.
      /\b(someone|somebody|another (person|user)|alguien|alguem|koi)\b.{0,30}\b(using|logged into|accessing|has access to|entro|entrou|usando|use kar)\b.{0,20}\b(my|mi|meu|minha|mera|meri)\b|\bsubmissions? (that )?i (never|didn'?t) (made|make|submit\w*)\b|\b(handle|username|user name|discord( account| name)?|github( account)?|profile|perfil)\b.{0,40}\b(already|linked|taken|in use|belongs to|associated with|vinculad\w*)\b.{0,30}\b(another|someone else|other|different|otro|outro)\b/i,
      // The enrolment or profile changed under the learner after an account change.
      /\b(course|courses|curso|enrol\w*|progress)\b.{0,30}\b(vanished|disappeared|gone|missing|sumiu|desaparec\w*)\b.{0,40}\b(dashboard|account|profile|after i (changed|updated|renamed))\b|\b(changed|updated|renamed) my (display |profile |user ?)?name\b/i,
      // Linking one's accounts (Discord, GitHub, edX) or losing access to the address behind them.
      /\b(link|unlink|relink|re-link|connect|disconnect|vincular|desvincular|conectar)\b.{0,10}\b(my|mi|meu|minha)\b.{0,10}\b(discord|github|google|edx|e-?mail|handle|account|cuenta|conta|tinyarena)\b|\b(lost|lose|no longer have|perd\w+|ya no tengo|nao tenho mais)\b.{0,10}\b(the )?(access|acceso|acesso)\b.{0,10}\b(to|al|a|ao|do|de)\b.{0,10}\b(my |mi |meu |minha |the |el |o )?(e-?mail|inbox|correo|account|cuenta|conta|phone|telefono|telefone)\b/i,
      /\b(banned|suspended|muted|rate.limited|silenced)\b.{0,30}\b(me|my|i)\b|\b(i (was|got|have been|am)|i'?m|i'?ve been) (banned|suspended|muted|rate.limited|blocked)\b|\b(can'?t|cannot|not allowed to|unable to) (post|reply|comment|send messages)\b|\btransfer\b.{0,15}\b(my )?(enrol\w*|registration|progress|seat|purchase)\b|\b(enrol\w*|registered|signed up)\b.{0,10}\b(twice|two times|in the wrong|on the wrong|by (accident|mistake))\b|\b(accidentally|by mistake) (enrol\w*|registered|signed up)\b|\bun-?enrol\w*\b/i,
      // Locked out of the course itself (an audit period that ended is the certificate entry's to explain).
      /^(?!.*\baudit\w*\b).*\b(can'?t|cannot|no longer|unable to|lost) (access|open|see|enter|get into) (to )?(the |my )?(course|courses|curso|class|content|materials?)\b/i,
      /\b(fue|fui|foi|fuimos|me|mi|minha|meu|mera|meri)\b.{0,25}\b(banead[oa]|banid[oa]|bloquead[oa]|suspendid[oa]|suspens[oa]|expulsad[oa]|ban ho gay\w*|block ho gay\w*)\b/i,
      /\b(someone else'?s|somebody else'?s|another (person|user)'?s|kisi aur ka|kisi aur ki|otra persona|outra pessoa|de otra persona|de outra pessoa)\b.{0,15}\b(name|naam|nombre|nome|e-?mail|account|details|progress|photo)\b|\b(registered|signed up|created an account)\b.{0,30}\bwith my (e-?mail|address|name|phone)\b|\b(edx|tinyarena|forum|discord) (id|profile|handle)\b.{0,40}\b(wrong|someone|kisi|another|galat|not mine)\b/i,
    ],
  ],
  [
    'payment',
    [
      /\b(refund|money back|reembolso|reembolsar|devolucion|estorno|chargeback|charged twice|double charged|cobraron dos|cobrado duas)\b/i,
      /\b(invoice|receipt|factura|nota fiscal|recibo)\b/i,
      /\b(coupon|discount|promo code|student (discount|price)|descuento|desconto|cupom|cupon)\b/i,
      /\b(paid|pague|paguei|payment|pago|pagamento|upi|paisa|charged)\b.{0,60}\b(not|no|still|sigue|continua|nahi|upgrade|audit|auditoria|twice|again)\b/i,
      /\b(financial (aid|assistance))\b.{0,40}\b(rejected|denied|appeal|declined|rechazad|negad)/i,
      /\bbought .{0,30}by (accident|mistake)\b/i,
      /\b(charged|billed|cobrad\w*|cobraron)\b.{0,40}\b(different|more|wrong|extra|higher|twice)\b|\b(different|more|wrong|extra|higher)\b.{0,40}\b(charged|billed)\b/i,
      /\b(cancel|cancelar|cancele)\b.{0,30}\b(purchase|compra|order|pedido|subscription|suscripcion|assinatura|payment|pago|pagamento|upgrade|certificate|certificado)\b/i,
      // Someone else paying (an employer, seats for a team), money back, a card or bank refusing.
      /\b(company|employer|organi[sz]ation|team|empresa|my (boss|university|school))\b.{0,40}\b(pay|pays|paying|purchase|buy|sponsor\w*|seats|licen[cs]es|bulk|reimburs\w*)\b|\b\d+ (seats|licen[cs]es|learners|employees)\b|\bpay (for|on behalf of) (a |my |another |an? )?(colleague|friend|someone|somebody|employee|student|team|son|daughter|brother|sister|wife|husband|coworker)('?s)?\b|\b(colleague|friend|employee|student|son|daughter|brother|sister|coworker)'?s (verified |certificate )?(upgrade|enrol\w*|payment|fee|certificate)\b/i,
      /\b\$ ?\d+|\b\d+ (dollars|usd|euros?|reais|rupees|pesos|rs)\b.{0,20}\b(back|refund\w*|return\w*)\b|\b(money|dollars|dinero|dinheiro|paisa|paise|fee) back\b|\bget (my|the) (money|fee|payment)\b/i,
      /\b(bank|banco|card|tarjeta|cartao|paypal)\b.{0,40}\b(declin\w+|reject\w*|rechaz\w+|recus\w+|negad\w+|blocked|bloque\w+)\b|\b(another|other|otra|outra|different) (way|forma|maneira|method|metodo|card|tarjeta|cartao) (to|de|para)? ?(pay|pagar)\b|\b(exchange rate|taxa de cambio|tipo de cambio|conversion fee|foreign transaction)\b|\bestorn\w*/i,
      /\bfinancial (aid|assistance)\b.{0,60}\b(pending|status|waiting|no (answer|response|reply)|heard back|still|weeks|days|months)\b|\b(ayuda|auxilio|assistencia) financeira\b.{0,40}\b(pendiente|pendente|esperando|aguardando)\b/i,
      /\b(tax|vat|gst|nif|cuit|cnpj|cpf|rfc)\b.{0,20}\b(receipt|invoice|number|id|recibo|factura|nota)\b/i,
      // Being charged at all is the learner's own payment record.
      /\b(dispute|contest|question)\b.{0,10}\b(a |the |this |my )?(charge|payment|transaction|bill)\b|\bcharge from (edx|harvard)\b/i,
      /\b(quote|quotation|cotizaci\w+|orcamento|pricing)\b.{0,20}\b(for|para)\b.{0,30}\b(enrol\w*|registr\w*|inscri\w*|matricul\w*|seats?|people|persons|learners|employees|students|team|company|empresa|\d+)\b|\b(enrol\w*|register\w*|sign(ing)? up|inscrib\w*|inscrev\w*|matricul\w*)\b.{0,10}\b\d+ (people|persons|learners|employees|students|colleagues|staff|personas|pessoas)\b/i,
      /\bprice\b.{0,40}\b(went up|increased|changed|different|higher|jumped|doubled)\b|\b(pay|paying|pagar|pago|pague)\b.{0,6}\b(with|by|using|via|com|con|through|in|em|en)\b.{0,15}\b(boleto|pix|upi|paypal|card|cartao|tarjeta|paytm|mercado pago|bank transfer|transferencia|installments?|parcelas|cuotas)\b|\b(financial (aid|assistance)|ayuda financiera|auxilio financeiro|ajuda financeira|assistencia financeira)\b.{0,40}\b(rejected|denied|declined|negad\w*|rechazad\w*|recorr\w*|apel\w*|appeal\w*|pending|pendiente|pendente)\b/i,
      /\b(i was|i got|i'?ve been|i have been|they|edx|me|fui|fue|foi)\b.{0,10}\b(charged|billed|cobrad\w*|cobraron|cobrou)\b|\b(proof|comprovante|comprobante) (of|de) (payment|pago|pagamento|purchase)\b|\b(move|transfer|switch|apply|use)\b.{0,10}\b(my|the|mi|meu)\b.{0,10}\b(payment|purchase|pago|pagamento|voucher|upgrade)\b/i,
    ],
  ],
  [
    'personal-data',
    [
      /\b(delete|remove|erase|borrar|borren|apagar|apaguem|remover|scrub|take (it )?down)\b.{0,50}\b(my|mi|mis|meu|minha|meus|minhas)\b.{0,30}\b(data|name|e-?mail|correo|account|nombre|nome|dados|datos|recordings?|grabacion\w*|gravac\w*|photo|info|information)\b/i,
      /\b(gdpr|lgpd|ccpa|data protection|datos personales|dados pessoais|personal data)\b/i,
      /\b(my|mi|meu|minha) (full |real |whole )*(name|e-?mail|email address|nombre|nome|correo)\b.{0,40}\b(public|leaderboard|posted|shown|visible|screenshot|discord|forum)\b|\bscreenshot with my\b/i,
      /\b(copy|export|download) of (all )?(my|the) (personal )?(data|information)\b/i,
      // What is kept about the asker, and where it shows up.
      /\b(what|which|quais|que|cuales|kya|kaunsa)\b.{0,10}\b(information|info|data|dados|datos|details|personal)\b.{0,50}\b(keep|keeps|kept|store|stores|stored|hold|holds|have|has|collect\w*|guard\w*|almacen\w*|colet\w*|recog\w*|rakhte)\b.{0,40}\b(about me|on me|of mine|sobre mim|sobre mi|meus|mis|mera|mere|my)\b|\b(what|which|quais|que)\b.{0,10}\b(information|data|dados|datos)\b.{0,10}\b(about me|sobre mim|sobre mi|meus|mis)\b|\b(dados|datos)\b (meus|mios)\b/i,
      /\b(screenshot|post|blog|video|photo|picture|page|tweet|article)\b.{0,50}\b(showing|shows|with|has|contains|containing|reveal\w*|exposes?)\b.{0,15}\b(my|mi|meu|minha)\b.{0,10}\b(e-?mail|name|face|address|phone|username|photo|correo|nome|nombre)\b/i,
      /\b(my|mi|meu|minha|meri|mera|mere) (full |real |whole )*(photo|picture|face|foto|address|phone number|image)\b.{0,40}\b(public|leaderboard|posted|shown|visible|screenshot|discord|forum|dikh\w*|aparece)\b/i,
      /\b(withdraw\w*|retir\w+|revok\w+|remov\w+|delet\w+|borr\w+|apag\w+|hata\w*)\b.{0,40}\b(recordings?|grabacion\w*|gravac\w*|photos?|fotos?|clips?|samples?|voice|voz|data|datos|dados|consent\w*|consentimiento)\b.{0,40}\b(i|que|jo)\b.{0,6}\b(donated|contributed|submitted|uploaded|gave|shared|done|doe|doei|enviei|subi|aporte|compart\w+)\b/i,
      // How long things about the learner are kept; everything "about me" deleted; Hindi-English word order.
      /^(?!.*\b(leaderboards?|scores?|ranking|rank)\b).*\bwho (can|could|will|is able to|gets to|has access to)\b.{0,10}\b(see|access|view|read|listen to|hear|download|use)\b.{0,30}\b(my|mi|meu|minha|the (audio|recordings?|voice|photos?|data|clips?)|i (submitted|uploaded|recorded|donated|gave))\b|\b(quem|quien)\b.{0,15}\b(ver|acessar|acceder|ouvir|escuchar|ve|tem acesso|tiene acceso)\b/i,
      /\b(my|mi|meu|minha|mis|meus|minhas)\b.{0,40}\b(be |get |been )?(excluded|opted out|left out|kept out|not (used|included|shared|published|released))\b|\bopt(ed)?.out\b|\b(hold|have|keep|store|collect|guard)\w* (on|about) me\b/i,
      /\bhow long\b.{0,20}\b(do|will|does|is|are)\b.{0,20}\b(keep|kept|store|stored|retain\w*|hold|held|saved)\b|\b(cuanto tiempo|quanto tempo)\b.{0,30}\b(guard\w*|almacen\w*|conserv\w*|mant\w*)\b/i,
      /\b(delete|deleted|remove|removed|erase|erased|borr\w+|apag\w+|elimin\w+|remov\w+)\b.{0,60}\b(about me|sobre mi|sobre mim|mere baare)\b/i,
      /\b(mera|meri|mere|my|mi|meu|minha)\b.{0,30}\b(data|photo|photos|naam|name|recordings?|submissions?|posts?|account|profile|e-?mail)\b.{0,20}\b(delete|hata|hatao|remove|mita)\w*/i,
      /\b(my|mi|meu|minha)\b.{0,5}\b(phone number|address|home address|e-?mail address|numero|telefone|telefono|direccion|endereco)\b.{0,60}\b(deleted|removed|delete|remove|hidden|hide|by mistake|publicly|public)\b|\b(posted|shared|leaked|published)\b.{0,10}\bmy (phone|address|e-?mail|number)\b/i,
    ],
  ],
  [
    'unannounced-plans',
    [
      /\b(next|upcoming|future|new|another|fifth|5th|proxim[ao]|siguiente|nuevo|nova|novo|quinto|agla|agli)\b.{0,30}\b(cohort|run|session|edition|course|curso|competition|competicao|competencia|challenge|desafio|kit|version|board|season|batch|offering)\b.{0,60}\b(when|start|open|release|coming|soon|plans?|will|going to|any|cuando|quando|para cuando|abre|sai|kab)\b/i,
      /\b(when|cuando|quando|kab)\b.{0,40}\b(next|proxim[ao]|siguiente|agla|agli)\b.{0,30}\b(cohort|run|session|edition|course|curso|competition|competicao|competencia|challenge|desafio|batch)\b/i,
      /\b(any plans|are there plans|is there a plan|will there be(?! (a |an |any )?(problem|difference|issue|error|conflict)s?\b)|will (you|they|arduino|harvard|edx) (release|launch|add|offer|support|make|open)|are you going to|roadmap|van a sacar|vao lancar|vai ter|coming out with|in a future version|future version of)\b/i,
      /\bshould i wait before buying\b/i,
      /\b(will (harvard|edx|they|you|the (team|staff|instructors?))|(harvard|edx|they|the (team|staff|instructors?)) will)\b.{0,20}\b(do|run|make|offer|have|create|host|hold|record)\b.{0,30}\b(version|course|edition|run|cohort|session|class)\b/i,
      /\b(restock\w*|back in stock|sold again|available again|out of stock)\b|\bany chance\b.{0,50}\b(will|again|soon|back|next|future)\b/i,
      /\b(is|are) (the )?(course|courses|labs?|kit|competition|challenge|platform|tinyarena|arena|edx)\b.{0,20}\b(going to|gonna|planning to|about to)\b|\bin the (next|upcoming|future|coming) (edition|run|version|cohort|season|iteration|offering)\b/i,
      /\bwhen (will|does|is|do)\b.{0,40}\b(reopen|re-?open|open again|run again|be back|come back|restart|start again|be offered again)\b/i,
      /\b(heard|rumou?r\w*|word is)\b.{0,50}\b(might|will|would|going to|plan\w*|soon)\b|\b(they|you|harvard|edx) (might|may|will) (add|release|launch|open|offer)\b/i,
      // Plans being made: "is Harvard planning an advanced course", "a new edition in the works".
      /\b(planning|plan to|plans to|plans for|plan on|in the works|being (planned|prepared|developed)|going to (offer|launch|release|create|make|update|open))\b.{0,50}\b(course|courses|curso|program|programme|class|edition|version|challenge|competition|kit|season|run|batch)\b|\b(course|courses|curso|program|edition|version|challenge|competition|kit)\b.{0,40}\b(in the works|being (planned|prepared|developed))\b/i,
      /\b(rumou?rs?|heard (that|a rumou?r)|is it true that|planning to (release|launch|open|add)|when (will|does|do) (the )?(next|new)|(is|are) there going to be(?! (a |an |any )?(problem|difference|issue|error|conflict)s?\b)|going to (release|launch|open) (a|an|another|the next))\b/i,
      // "When is the new one?": the new thing is the course's (a run, a kit), not the learner's own model or step.
      /\b(when|cuando|quando|kab)\b.{0,30}(?<!\b(model|modelo|modelos|sketch|dataset|arquivo|archivo)\s)\b(new|next|another|nuev[ao]|nov[ao]|proxim[ao]|agla|agli)\b(?!\s+([\w-]+\s+)?(model|models|modelo|modelos|keyword|keywords|palabras?|sketch|step|epoch|layer|file|dataset|recordings?|grabacion\w*|gravac\w*|samples?|labels?)\b)/i,
      // A course offering in the future tense of any of the forum's languages, or with a date asked for.
      new RegExp(String.raw`\b(${FUTURE_TENSE})\b.{0,60}\b(${OFFERING})\b|\b(${OFFERING})\b.{0,60}\b(${FUTURE_TENSE})\b`, 'i'),
      new RegExp(String.raw`^(?=.*\b(${OFFERING})\b).*\b(re-?open\w*|open\w*|abren|abrir|abrem|abre|offer\w*|start\w*|empiez\w*|comeca\w*)\b.{0,40}\b(again|otra vez|de nuevo|de novo|novamente|phir se)\b`, 'i'),
      /\b(another|one more|next|otra|outra|otro|outro|nueva|nova|naya|nayi|agle|agla|agli|new)\b.{0,12}\b(run|round|edition|session|cohort|season|batch|intake|offering|turma|edicion|edicao|temporada|iteration|ronda|rodada)\b/i,
      // The material being revised (new framework versions, translations): nobody has announced that.
      /\b(course|courses|curso|notebooks?|colabs?|labs?|material|videos?|slides)\b.{0,20}\b(being|getting|going to be|gonna be|will be|be|sera|serao|seran|vai ser|van a ser)\b.{0,10}\b(updated|upgraded|revised|rewritten|refreshed|translated|dubbed|subtitled|actualizad\w*|atualizad\w*|traducid\w*|traduzid\w*)\b/i,
    ],
  ],
  [
    'outside-course',
    [
      /\b(bluetooth speaker|headphones?|earbuds|printer|router|wifi router|smart ?tv|phone (won'?t|doesn'?t)|laptop (won'?t|doesn'?t) (boot|charge))\b/i,
      /\b(micro ?:? ?bit|microbit|teensy|arduino mega|nano every|beaglebone|m5stack|particle (photon|argon)|plc)\b/i,
      /\b(esp8266|esp32(-cam|-s3)?|jetson|stm32\w*|nucleo|raspberry ?pi|rpi ?[345]|pico|rp2040|k210|coral (usb|dev|tpu|accelerator)|arduino uno|uno r4)\b/i,
      /\bnvidia\b.{0,20}\b(server|card|desktop|driver|rtx|gtx)\b|\b(server|servidor)\b.{0,20}\b(gpu|nvidia)\b/i,
      /\b(homework|assignment|project|tarea|trabalho|tarefa)\b.{0,40}\b(for my|de mi|do meu|mere|my college|my university|my class|dsp|due tomorrow)\b|\b(college|university|uni) project\b|\b(solve|do|write) my (homework|assignment)\b|\bpura code de do\b/i,
      /\b(coursera|udemy|udacity|fast\.?ai|cs229|cs231n|my (other|university|college|school) (course|class|exam)|another (course|mooc))\b.{0,60}\b(assignment|homework|quiz|exam|problem|question|help|solve)\b/i,
      /\b(my|mi|meu|minha|mera) ([\w-]+ )?(phone|iphone|android|smartphone|tablet|ipad|laptop|pc|computer|printer|router|tv|car|smartwatch|headphones|speaker|drone|3d printer|vacuum|celular|telefone|computador|impresora)\b[^.\n]{0,30}\b(won'?t|doesn'?t|not|broken|stopped|keeps|error|no (enciende|funciona|conecta)|nao (liga|funciona|conecta))\b/i,
      /\b(my|your|a) (resume|r[eé]sum[eé])\b(?! (from|training|it|the))|\b(cover letter|linkedin profile|job interview|interview prep\w*|salary negotiation)\b/i,
      /\b(accredit\w*|university credits?|academic credits?|college credits?|ects|transfer credits?|creditos universitarios|creditos academicos)\b/i,
      /\b(visa|letter from harvard|official letter|credit at my university|write to my dean|transcript|recommendation letter|carta oficial)\b/i,
      // Other technology: phone or web apps, operating systems, shopping advice.
      /\b(android|ios|iphone|swift|kotlin|flutter|react native|mobile|web) (app|apps|application|aplicacion|aplicativo)\b|\binstall(ing)? (windows|macos|linux|ubuntu)\b.{0,20}\b(on|in|em|en) (an? |my |old |mi |meu )*(mac|macbook|pc|laptop|computer|chromebook)\b/i,
      /\b(best|good|cheap|recommend\w*|which|what|mejor|melhor|qual|cual)\b.{0,30}\b(gpu|graphics card|laptop|notebook pc|pc|computer|monitor|phone|drone)\b.{0,30}\b(to buy|buy|purchase|comprar|under \$?\d+|for gaming|gaming)\b|\bgaming (laptop|pc|computer)\b/i,
      // Other coursework or writing: a thesis, another class's assignment.
      /\b(my|mi|meu|minha|meri|mera) (thesis|dissertation|tesis|tese|final year project|fyp)\b.{0,60}\b(review|check|proofread|help|write|correct|feedback|revisar|look at)\b|\b(college|university|uni|school|escuela|facultad|faculdade|universidad|universidade) (assignment|homework|tarea|tarefa|lab report)\b|\bcode de do\b/i,
      /\b(cpd|cpe|pdh|ceus?|continuing (education|professional)|professional development (hours|units|credits))\b/i,
      /\b(carta|declaracao|declaracion|constancia|atestado|comprovante)\b.{0,60}\b(emprego|trabajo|empleo|empleador|empresa|universidad\w*|faculdade|visa|embajada|embaixada)\b|\bletter\b.{0,40}\b(employer|my (boss|company|manager|university|school)|saying (that )?i (attended|completed|took|finished))\b/i,
      /\b(impresora|impressora|3d printer|3-d printer|stepper motor|motor paso a paso|arduino uno|lora|zigbee|home assistant)\b/i,
      // Advice outside the material: books, other courses, hardware to buy; consumer assistants; forms and letters about the learner.
      /\b(recommend|suggest|recomiend\w*|recomend\w*|suger\w*)\b.{0,30}\b(book|books|textbook|libro|libros|livro|livros|laptop|computer|pc|gpu|phone|celular|youtube|channel|podcast|bootcamp|masters?|degree|university|job)\b/i,
      /\b(alexa|google home|google assistant|siri|smart speaker|smart home|echo dot)\b/i,
      /\b(design|layout|route|draw)\b.{0,15}\b(a |my |the )?(pcb|circuit board|schematic)\b|\b(kicad|gerber|altium|eagle cad)\b/i,
      /\b(best|good|cheap|recommend\w*|mejor|melhor)\b.{0,20}\b(oscilloscope|multimeter|soldering (iron|station)|logic analy[sz]er|bench (power )?supply|microscope|osciloscopio)\b/i,
      /\b(ps[345]|playstation|xbox|nintendo|game controller|controller drift|gaming console)\b|\b(mit|stanford|berkeley|cmu|coursera|udemy|udacity|deeplearning\.ai)\b.{0,30}\b(course|class|syllabus|lecture|program|specialization)\b|\b\d{1,2}\.s\d{3}\b/i,
      /\b(science fair|school project|feira de ciencias|feria de ciencias)\b|\bfor my (kid|kids|son|daughter|child|children|nephew|niece)\b|\b(get|find|land|conseguir)\b.{0,10}\b(a |me a |an? )?(job|internship|position|role|emprego|empleo|trabajo)\b|\b(career advice|salary|hiring|recruiters?)\b/i,
      /\b(root|jailbreak|unlock|factory reset|flash a rom on)\b.{0,10}\b(my |an? |the )?(android|iphone|phone|tablet|ipad|celular|smartphone)\b|\b(aws|gcp|azure|ec2|sagemaker|lambda labs|runpod|paperspace|google cloud)\b.{0,40}\b(cheaper|cheapest|price|pricing|cost|costs|vs|or|better)\b/i,
      /\b(best|good|fastest|easiest|quickest)\b.{0,10}\b(way|resources?|place|roadmap|path)\b.{0,10}\bto learn\b(?!.{0,40}\b(course|labs?|kws|tinyml|colab|arduino|nano|tflite|tensorflow)\b)|\b(fix|repair|debug|arreglar|consertar)\b.{0,10}\b(my|mi|meu|minha)\b.{0,10}\b(car|car'?s|phone|tv|printer|router|watch|bike|scooter|fridge|washing machine|carro|coche|moto)\b|\b(obd|can bus|ecu)\b/i,
      /\b(write|rewrite|proofread|review|edit|escribir|escrever|revisar|correct)\b.{0,30}\b(my|mi|meu|minha)\b.{0,20}\b(paper|thesis|essay|article|report|introduction|abstract|cv|resume|statement|sop|tesis|tese|artigo|articulo|ensayo|redacao)\b/i,
      /\b(sign|fill( out| in)?|stamp|complete) (a |the |my |this |an )?(form|letter|document|declaration|paperwork|formulario)\b|\bsaying (that )?(i'?m|i am|i have|i was|i took|i completed|i attended|i finished)\b/i,
    ],
  ],
  [
    'other',
    [
      /\b(dm|send|give|share|pass|tell|post|leak)\b.{0,15}\b(me |us )?(the )?(answers?|solutions?|respuestas|respostas|key)\b.{0,40}\b(test|quiz|exam|summative|assignment|graded)\b/i,
      /\b(todo\.pdf|placeholder pdf|where are the real slides)\b/i,
      // A broken piece of the courseware that someone has to fix.
      /\b(link|url|video|slides?|pdf|page|reading|notebook)\b.{0,40}\b(broken|dead|404|not working|doesn'?t (work|open|load))\b.{0,40}\b(fix|someone|staff|please|can you|could you)\b/i,
      /\b(give a talk|dar una charla|dar uma palestra|organi[sz]e (a|an) (talk|event|meetup)|speak at)\b/i,
      /\b(harass\w*|report (a|this) user|abusive|threaten\w*|acoso|assedio|impersonat\w*|pretending to be me|fake account (of|using|with) my)\b/i,
      /\b(ban|block|kick|mute|report)\b.{0,15}\b(them|him|her|this (user|person|guy)|that (user|person|guy)|the user)\b|\b(spamming|harassing|stalking|insulting|bothering)\b.{0,20}\b(me|my)\b/i,
      // Courseware media that someone has to repair, reported as such.
      /\b(video|videos|audio|slides?|pdf|transcript|captions|subtitles|link|page|reading)\b.{0,40}\b(no audio|no sound|without sound|sin (audio|sonido)|sem (audio|som)|is blank|won'?t play|doesn'?t play|not playing|cut off|corrupt\w*)\b/i,
      // Events, groups or the course's name used by someone: organisers decide.
      /\b(host|organi[sz]e|run|start|set up|create)\b.{0,20}\b(study group|meetup|workshop|hackathon|webinar|bootcamp|reading group)\b|\b(use|using|usar) (the )?(course|harvard|harvardx|edx|tinymlx) (name|logo|brand|branding|nombre|nome)\b/i,
      // Moderators acting on other people's posts (answers leaked, content to take down).
      /\b(mods?|moderators?|admins?|staff)\b.{0,40}\b(delete|remove|take down|ban|hide|restore|undelete|recover|unban|unlock|edit)\b|\b(posting|posted|sharing|shared|leaking|leaked)\b.{0,20}\b(the )?(quiz|exam|test|summative) (answers|solutions)\b|\b(quiz|exam|test|summative|assignment) (answers|solutions|key)\b.{0,30}\b(leaked|posted|shared|uploaded|published|circulating)\b/i,
      // Someone else's use of the learner's work; speakers and guest lectures.
      /\b(someone|somebody|a user|users|people|bots?|accounts?|alguien)\b.{0,25}\b(spamming|spams|flooding|advertising|scamming|posting (spam|scam|crypto|phishing)|crypto links|scam links|phishing links)\b/i,
      /\b(sell|selling|monetiz\w*|vender|vendo)\b.{0,30}\b(my |the )?(completed |finished )?(labs?|solutions?|assignments?|notebooks?|colabs?|answers)\b|\b(fiverr|upwork|chegg|course hero)\b/i,
      /\b(fake|scam\w*|phishing|fraud\w*|counterfeit|impostor|falso|falsa|estafa|golpe)\b.{0,40}\b(site|website|link|links|certificate|certificado|account|page|email|course|curso)\b|\b(site|website|link|links|page)\b.{0,20}\b(fake|scam|phishing|fraud\w*)\b/i,
      /\b(page|unit|section|video|link|reading|slides?)\b.{0,40}\b(plays|shows|opens|links to|points to|goes to|loads)\b.{0,20}\b(another|the wrong|a different|wrong|other)\b.{0,10}\b(course|course'?s|video|page|unit|section|pdf|reading)\b/i,
      /\b(interview|podcast|press|journalist|reporter|newspaper|magazine)\b.{0,50}\b(instructors?|professors?|staff|teachers?|team|organi[sz]ers?|harvard)\b/i,
      /\b(racist|sexist|homophobic|hateful|hate|offensive|inappropriate|obscene|nsfw|abusive)\b.{0,15}\b(messages?|posts?|comments?|content|language|images?|pictures|memes?|speech|remarks?|dms?)\b/i,
      /\b(sharing|selling|leaking|uploading|distributing|reposting|pirat\w*|compartiendo|compartilhando|vendiendo|vendendo)\b.{0,40}\b(paid|course|premium|del curso|do curso)\b.{0,20}\b(videos?|content|material|slides|answers|solutions|respuestas|respostas)\b|\b(telegram|whatsapp) (group|channel|grupo)\b/i,
      /\b(use|reuse|share|sell|publish|translate|redistribute|usar|compartir|vender|traducir|traduzir)\b.{0,30}\b(course|harvard|tinyml|the|del curso|do curso)\b.{0,10}\b(slides|videos?|material|content|notebooks?|colabs?|diapositivas)\b.{0,50}\b(paid|commercial\w*|workshop|sell|monetiz\w*|licen[cs]\w*|copyright|youtube channel|my (company|business|startup|students)|comercial\w*)\b/i,
      /\b(copied|copying|stole|stolen|plagiari[sz]\w*|reposted|selling|sells|sold|copiou|copio|robo|roubou)\b.{0,30}\b(my|mi|meu|minha)\b.{0,10}\b(project|code|work|post|solution|notebook|model|video|proyecto|projeto|codigo)\b|\b(my|mi|meu|minha) (project|code|work|solution|proyecto|projeto)\b.{0,50}\b(copied|stolen|plagiari[sz]ed|being sold|selling it|sold)\b/i,
      /\bguest (lecture|talk|speaker|session)\b|\b(speak|talk|present|lecture)\b.{0,10}\bat (our|my) (company|school|university|college|event|meetup|conference)\b|\binvite (the )?(instructors?|professors?|staff|teachers?|team)\b/i,
    ],
  ],
];

/** General questions about how something works are the material's (they mention no personal case). */
const GENERAL = /\b(can (i|we) (post|share|discuss|ask|use|talk)|can i (still |also |even )?get|do i (still )?get|will i (still )?get|is there|how do i get|how to get|do you offer|does the course offer|se puede|puedo (obtener|tener|recibir|sacar)|posso (pegar|obter|ter|receber)|is it possible to get)\b.{0,40}\b(certificate|certificado|financial (aid|assistance)|audit)\b|\bif i audit\b|\bcertificate milega\b|\bmilega ya nahi\b|\b(instead of|en lugar de|em vez de|no lugar de|se labs kar sakta)\b/i;
/** The course's own kit and library: a post about them that mentions another board is still a course post. */
const COURSE_KIT = /\b(nano 33|ble sense|harvard_tinymlx|tinyml kit|tiny machine learning kit|arduino_tensorflowlite|person_detection|micro_speech|magic_wand)\b/i;

/** Boards named only to ask whether they can replace the course kit: the kit FAQ answers that. */
const KIT_QUESTION = /\b(instead|substitut\w*|supported|compatible|use (an? )?\w+ (for|in) the (labs?|course)|en lugar|en vez|em vez|no lugar|labs? kar sakta|for the labs|(labs?|exercises?|course) (on|with) (an?|my|this))\b/i;

/**
 * The general shape of a personal case, whatever its wording: the asker (first person), an
 * administrative subject (a grade, a certificate, an account, a payment, their own data) and a problem
 * or a request to change something. Patterns above catch the common phrasings; this catches the rest.
 */
const FIRST_PERSON = /\b(i|i'?m|i'?ve|i'?d|me|my|mine|we|our|us|mi|mis|yo|meu|minha|meus|minhas|eu|mera|meri|mere|maine|mujhe|hamara|hum)\b|\b(termine|pague|paguei|esqueci|olvide|perdi|recebi|recibi|fiz|hice|complete|terminei|marquei|marque|conclui|sigo)\b/;
/** "my …" right before a noun. */
const POSSESSIVE = String.raw`\b(my|mi|mis|meu|minha|meus|minhas|mera|meri|mere|our|your)\b(\s+[\w-]+){0,2}\s+`;
/** Subjects only staff can act on, most specific first. */
const SUBJECTS: [HandoverReason, RegExp][] = [
  ['certificate', /\b(certificates?|cert|certificado|certificados|diploma|credential)\b/],
  ['payment', /\b(paid|payment|payments|charged|charge (me|my card)|chargeback|refund\w*|money|fees?|invoice|receipt|billing|discount|coupon|voucher|scholarship|subscription|purchased?|bought|credit card|debit card|paypal|upi|pix|pago|pague|paguei|pagamento|pagar|cobr\w+|reembols\w+|dinero|dinheiro|paisa|paise|rupees|vat)\b/],
  ['personal-data', /\b(my (personal )?(data|information|info|details|photo|picture|face|voice recordings?|address|phone number|username|user name|real name|full name)|anonymi[sz]\w+|dados pessoais|datos personales)\b/],
  ['account', /\b((legal|display|profile) name|name on (edx|tinyarena|discord|the forum|my (account|profile))|accounts?|log ?in|login|sign ?in|signed up|password|e-?mail|username|user ?name|2fa|otp|verification (code|e-?mail)|cuenta|conta|contrasena|senha|correo|access to (it|my|the platform|edx))\b/],
  ['grades', /\b(grades?|graded|grading|credit(?! card)|summatives?|formatives?|marks|progress( page| bar)?|dashboard|results?|not passed|failed (course|the course)|quiz|quizzes|exam|exams|retake|nota|notas|calificacion\w*|pontuacao|puntaje|deadline|due date|extension|plazo|prazo|score)\b/],
];
const PROBLEM = /\b(wrong|incorrect\w*|galat|errad\w*|equivocad\w*|missing|falta|never|still|yet|can'?t|cannot|couldn'?t|unable|won'?t|didn'?t|doesn'?t|isn'?t|hasn'?t|haven'?t|wasn'?t|not|no se|no me|nao|nahi|error|problem|issue|broken|locked|blocked|hacked|lost|disappeared|gone|twice|again|dos veces|duas vezes|stuck|pending|delete|remove|erase|change|fix|correct|update|appeal|zero|missed|retake|forgot|fail|failed|deducted|debited|kat|sigue|sigo|todavia|ainda|ya no|gayab|where is my|where'?s my|merge|recover|reset|transfer|anonymi[sz]\w*|even though|but i (finished|completed|did|submitted|passed|answered|got))\b|\b(says|shows) \d+ ?%|\b(doesn'?t (match|add up)|no coincide|nao bate|nao confere|mismatch)\b/;
/** Words of the course's technical subjects: a "score" or "result" there is a model's, not a grade. */
const TECHNICAL = /\b(runtime|cell|cells|setup cell|model|models|modelo|modelos|placa|entrenamiento|treinamento|precision|precisao|acuracia|accuracy|colab|notebook|training|train|trained|arduino|nano|board|sketch|tflite|tensor|arena|leaderboard|submission|submissions|submit|dataset|quantiz\w*|inference|kws|vww|epochs?|loss|threshold|auc|latency|flash|ram|serial|port|upload|library|ide|float|int8)\b/;
/** A request about one's own data. */
/** The asker's own data first, then the request: "my recordings were shared, I want them removed". */
const DATA_REQUEST_AFTER = /\b(my|mi|mis|meu|minha|meus|minhas)\b.{0,40}\b(data|name|username|e-?mail|photos?|pictures?|face|voice|recordings?|grabacion\w*|gravac\w*|posts?|messages?|submissions?|history|profile|information|info|datos|dados|nombre|nome|fotos?)\b.{0,80}\b(removed|deleted|erased|taken down|remove (it|them)|delete (it|them)|take (it|them) down|borrad\w+|apagad\w+|removid\w+)\b/;
const DATA_REQUEST = /\b(delete|deleted|remove|removed|erase|anonymi[sz]e|hide|take (it )?down|export|copy of|download (all )?my|borr\w+|elimin\w+|apag\w+|remov\w+)\b.{0,50}\b(my|mi|mis|meu|minha|meus|minhas|me)\b.{0,25}\b(data|name|username|e-?mail|photos?|pictures?|face|voice|recordings?|grabacion\w*|gravac\w*|posts?|messages?|profile|perfil|information|info|datos|dados|nombre|nome|correo|fotos?)\b|\b(data|information|datos|dados)\b.{0,30}\babout me\b.{0,30}\b(delete|deleted|remove|erase|export|copy|borr\w+|apag\w+)/;
/** Requests only staff can act on, however worded. */
const STAFF_REQUESTS: [HandoverReason, RegExp][] = [
  ['other', /\b(rude|harass\w*|abus\w*|threat\w*|bully\w*|stalk\w*|insult\w*)\b.{0,40}\b(me|dms?|messages?)\b|\bsending me\b.{0,20}\b(dms?|messages?)\b/],
  ['outside-course', /\b(letter|proof of completion|confirmation|transcript|reference)\b.{0,50}\b(employer|company|boss|university|visa|embassy|hr)\b|\b(write|send|give) me a (letter|reference)\b/],
  ['unannounced-plans', /^(?=.*\b(course|courses|curso|class|cohort|edition|program|programme|challenge|competition|enrol\w*|registration|inscri\w*)\b).*\b(open|start|run|offered|available)\b.{0,15}\b(again|next)\b|\b(planning|plans?) (a|an|to|for)\b.{0,40}\b(course|program|programme|masters|degree|challenge|competition|kit|version)\b|\bnext (run|intake|enrol\w*|enrollment|semester|cohort)\b/],
];

/** Asking staff to act: a request verb aimed at "you", staff or someone, about the learner's own thing. */
const STAFF_ACTION = /\b(please|pls|kindly|could you|can you|would you|can someone|could someone|can staff|can the staff|podem|pueden|puede|poderiam|podrian|por favor)\b.{0,30}\b(correct|change|fix|update|delete|remove|erase|move|merge|confirm|check|look into|reissue|re-issue|resend|re-send|unlock|restore|add|corrigir|corregir|cambiar|mudar|alterar|revisar|confirmar|verificar)\b.{0,40}\b(my|mi|mis|meu|minha|meus|minhas|it|this|that|mine)\b/;
/** Objects of a technical request ("can you check my code"): the material or the forum answers those. */
const TECHNICAL_OBJECT = /\b(code|codigo|error|erro|script|function|output|log|traceback|wiring|circuit|pins?|camera|microphone|imu|sensor|led|ino|cpp|python|keras)\b/;
/** Plans: the course, its labs or challenges later, or a course number beyond the four. */
const FUTURE_PLANS = /\bthere'?ll be\b|\b(course|curso|labs?|challenge|competition|capstone|track|tinyarena|specialization|series|kit|platform|arena|version|edition|cohort)\b.{0,60}\b(coming|next year|later this year|in the future|someday|eventually|later\?|el proximo ano|ano que vem|agle saal)\b|\bwill (the )?(course|labs?|challenge|competition|capstone|platform|arena|tinyarena|edx)\b.{0,50}\b(support|add|include|offer|have|get)\b.{0,60}\b(later|future|next|soon|eventually|someday)\b|\bcourse [5-9]\b|\b(fifth|sixth) course\b/;
/** Homework or exams of another class. */
const OTHER_HOMEWORK = /\b(my|mi|meu|minha|mera|meri)\b[\w ]{0,30}\b(homework|assignment|tarea|tarefa|project|exam)\b.{0,40}\b(due|tomorrow|friday|monday|next week|manana|amanha)\b|\bhelp (me )?with my\b[\w ]{0,30}\bhomework\b/;
const COURSE_WORDS = /\b(kws|vww|colab|anomaly|tinyml|magic wand|keyword|person detection|course \d|the course|lab|labs)\b/;

/** Words of the gradebook only: a "score" next to them is a grade, even in a question about the KWS unit. */
const GRADEBOOK = /\b(summative|formative|final (exam|test|quiz)|progress (page|tab|bar)|gradebook|graded|grading|attempts? (left|remaining))\b/;

/** Longer than this, a text is a forum post with a story and logs: only the specific patterns apply. */
const SHORT_QUESTION_WORDS = 45;

/**
 * One's own training data in one's own workspace ("remove my old recordings from the dataset folder",
 * "apagar meus dados de treino do colab"): housekeeping the material answers, not a request to staff.
 * A public place or a data-protection word keeps it a personal-data case.
 */
const OWN_WORKSPACE = /\b(folder|directory|colab|notebook|drive|pasta|carpeta|dados de treino|datos de entrenamiento|training set|training data|retrain\w*|before (training|retraining))\b/;
const PUBLIC_PLACE = /\b(forum|discord|leaderboard|public\w*|accounts?|profile|edx|tinyarena|posts?|screenshots?|website|everyone|internet|github|gdpr|lgpd|ccpa|data protection|personal data|dados pessoais|datos personales|consent\w*|face|faces|rosto|cara|contribut\w*|donat\w*|shared|published|others|you|your|staff|course|collected|team|voice)\b/;
const ownWorkspaceData = (q: string) => OWN_WORKSPACE.test(q) && !PUBLIC_PLACE.test(q);

function personalCase(q: string): HandoverReason | null {
  if ((DATA_REQUEST.test(q) || DATA_REQUEST_AFTER.test(q)) && !ownWorkspaceData(q)) return 'personal-data';
  if ((q.match(/\S+/g) ?? []).length > SHORT_QUESTION_WORDS) return null;
  // A request that staff act on the learner's own record ("please correct it", "can you look into this"),
  // named by its subject, or 'other' when no administrative subject is named but nothing technical is either.
  if (STAFF_ACTION.test(q) && !TECHNICAL.test(q) && !TECHNICAL_OBJECT.test(q)) {
    for (const [reason, re] of SUBJECTS) if (re.test(q)) return reason;
  }
  if (FUTURE_PLANS.test(q)) return 'unannounced-plans';
  if (OTHER_HOMEWORK.test(q) && !COURSE_WORDS.test(q)) return 'outside-course';
  for (const [reason, re] of STAFF_REQUESTS) if (re.test(q) && !TECHNICAL.test(q)) return reason;
  const technical = TECHNICAL.test(q);
  for (const [reason, re] of SUBJECTS) {
    const m = re.exec(q);
    if (!m) continue;
    // "my certificate", "mera naam" … "certificate": the asker's own record.
    const owned = new RegExp(`${POSSESSIVE}${m[0]}`).test(q) || new RegExp(`\\b${m[0]}\\b.{0,30}\\b(mera|meri|mere|my|mi|meu|minha)\\b`).test(q);
    // Hindi-English and Spanish/Portuguese often drop the pronoun: a grade word with a problem is enough.
    const problem = PROBLEM.test(q) && (FIRST_PERSON.test(q) || (reason === 'grades' && /\b(exam|exams|quiz|grade|grades|nota|notas|calificacion\w*|marks)\b/.test(q)));
    if (!owned && !problem && !(PROBLEM.test(q) && reason !== 'grades')) continue;
    if (GENERAL.test(q) && !owned) continue;
    // Buying a board is not a payment case: a technical question needs a payment word proper.
    if (technical && reason === 'payment' && !/\b(paid|pay|payment|refund\w*|charged|invoice|receipt|fees?|upgrad\w*|billing|money back|verified)\b/.test(q)) continue;
    // Gradebook words ("summative", "progress page") name the record whatever topic the quiz was about.
    if (technical && !(reason === 'grades' && GRADEBOOK.test(q)) && (reason === 'grades' || reason === 'account' || !owned)) continue;
    return reason;
  }
  return null;
}

/** The competition's own words, and the gradebook's: a "score" is one or the other. */
const COMPETITION = /\b(leaderboards?|challenges?|tinyarena|preflight|quota|submissions?|ranking)\b/;
const GRADEBOOK_WORDS = /\b(quiz|quizzes|exam|exams|summatives?|progress|gradebook|edx|certificate|course grade|final grade|nota|notas)\b/;

/** "Progress" of one's own training run or notebook session, not of the course record. */
const WORKSPACE_PROGRESS = /\b(training|colab|session|runtime|notebook|epochs?|model)\b.{0,20}\bprogress\b|\bprogress\b.{0,30}\b(colab|session|runtime|notebook)\b/;
const GRADE_RECORD = /\b(quiz|quizzes|exam|exams|summatives?|gradebook|edx|certificate|grades?|nota|notas|marks)\b/;

/** The reason a question needs a person, or null when the course material should answer it. */
export function needsPerson(question: string): HandoverReason | null {
  const q = fold(question);
  for (const [reason, res] of PATTERNS) {
    if (!res.some((re) => re.test(q))) continue;
    if ((reason === 'certificate' || reason === 'payment') && GENERAL.test(q) && !/\b(my|mi|meu|minha|still|wrong|anyway)\b/.test(q)) continue;
    if (reason === 'outside-course' && (KIT_QUESTION.test(q) || COURSE_KIT.test(q)) && !/\bfuture\b/.test(q)) continue;
    if (reason === 'personal-data' && ownWorkspaceData(q)) continue;
    // A leaderboard score "graded wrong" is the competition's (its FAQ explains public and private boards).
    if (reason === 'grades' && COMPETITION.test(q) && !GRADEBOOK_WORDS.test(q)) continue;
    // Training progress lost with a Colab session is the Colab entry's, not the gradebook's.
    if (reason === 'grades' && WORKSPACE_PROGRESS.test(q) && !GRADE_RECORD.test(q)) continue;
    if (reason === 'payment' && toolPayment(q)) continue;
    return reason;
  }
  const reason = personalCase(q);
  return reason === 'payment' && toolPayment(q) ? null : reason;
}

/** Paying for Colab Pro or a GPU is not a course payment; the Colab entry answers the GPU part. */
function toolPayment(q: string): boolean {
  return /\b(colab|gpu|runtime)\b/.test(q) && !/\b(edx|verified|certificate|certificado|course|curso|upgrade|refund\w*)\b/.test(q);
}
