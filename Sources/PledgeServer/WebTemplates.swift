import Mustache

/// The web pages' templates and style: every value escaped but the content a page hands in already rendered.
extension WebPages {
    static let monthlyTemplate = try! MustacheTemplate(string: """
        <form method="get" action="/monthly" class="filters">
        <label>{{fromLabel}} <input name="from" value="{{from}}" placeholder="2025-01"></label>
        <label>{{toLabel}} <input name="to" value="{{to}}" placeholder="2025-12"></label>
        <label>{{byLabel}} <select name="by">{{#groupings}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/groupings}}</select></label>
        <button>{{show}}</button>
        </form>
        <p class="downloads">{{#downloads}}<a href="{{href}}">{{label}}</a> {{/downloads}}</p>
        """)

    static let style = """
        nav.top { display: flex; gap: 1em; align-items: center; border-bottom: 1px solid #d9e2ec; padding-bottom: 0.6em; margin-bottom: 1em; flex-wrap: wrap; }
        nav.top .who { margin-left: auto; color: #52606d; } form.inline { display: inline; }
        form.filters, form.entry { display: flex; flex-wrap: wrap; gap: 0.6em 1em; align-items: end; background: #f5f7fa; padding: 0.8em 1em; border-radius: 6px; }
        form.entry { flex-direction: column; align-items: stretch; max-width: 640px; }
        form.entry label { display: flex; flex-direction: column; gap: 0.2em; }
        .error { color: #b3261e; font-weight: 600; } input[aria-invalid=true] { border: 2px solid #b3261e; }
        pre#findings { white-space: pre-wrap; overflow-wrap: anywhere; } .done { color: #1e6b34; font-weight: 600; }
        """

    static let layout = try! MustacheTemplate(string: """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} — {{app}}</title>
        <style>
        {{{style}}}
        </style>
        </head>
        <body>
        <nav class="top"><strong>{{app}}</strong>{{#nav}} <a href="{{href}}">{{label}}</a>{{/nav}}
        {{#user}}<span class="who">{{name}} ({{role}})</span>
        <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{signOut}}</button></form>{{/user}}
        <a href="?lang=zh">中文</a> <a href="?lang=en">English</a></nav>
        <main>
        {{{content}}}
        </main>
        </body>
        </html>

        """)

    static let loginTemplate = try! MustacheTemplate(string: """
        <h1>{{title}}</h1>
        {{#error}}<p class="error" id="login-error">{{error}}</p>{{/error}}
        <form method="post" action="/login" class="entry">
        <label>{{user}} <input name="user" autocomplete="username" required></label>
        <label>{{password}} <input name="password" type="password" autocomplete="current-password" required></label>
        <button>{{submit}}</button>
        </form>
        """)

    static let listTemplate = try! MustacheTemplate(string: """
        <h1>{{t.title}}</h1>
        <form method="get" action="/registrations" class="filters">
        <label>{{t.park}} <input name="park" value="{{values.park}}"></label>
        <label>{{t.bank}} <input name="bank" value="{{values.bank}}"></label>
        <label>{{t.prefecture}} <input name="prefecture" value="{{values.prefecture}}"></label>
        <label>{{t.enterprise}} <input name="enterprise" value="{{values.enterprise}}"></label>
        <label>{{t.enterpriseName}} <input name="enterpriseName" value="{{values.enterpriseName}}"></label>
        <label>{{t.from}} <input name="from" placeholder="2025-01-01" value="{{values.from}}"></label>
        <label>{{t.to}} <input name="to" placeholder="2025-12-31" value="{{values.to}}"></label>
        <label>{{t.status}} <select name="status"><option value="">{{t.any}}</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></label>
        <label><input type="checkbox" name="rywq" value="1"{{#rywq}} checked{{/rywq}}> {{t.rywq}}</label>
        <button>{{t.search}}</button>
        </form>
        {{#problem}}<p class="error">{{problem}}</p>{{/problem}}
        <p id="totals">{{total}} {{shown}}</p>
        <table>
        <thead><tr><th>{{t.regNo}}</th><th>{{t.date}}</th><th>{{t.enterpriseCol}}</th><th>{{t.bank}}</th><th class="num">{{t.amount}}</th><th>{{t.park}}</th><th>{{t.status}}</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td><a href="/registrations/{{regNo}}">{{regNo}}</a></td><td>{{date}}</td><td>{{enterprise}}</td><td>{{bank}}</td><td class="num">{{amount}}</td><td>{{park}}</td><td>{{status}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        <p>{{#previous}}<a href="{{previous}}">{{t.previous}}</a> {{/previous}}{{#next}}<a href="{{next}}">{{t.next}}</a>{{/next}}</p>
        """)

    static let registrationTemplate = try! MustacheTemplate(string: """
        <h1>{{regNo}}</h1>
        {{#problem}}<p class="error" id="problem">{{problem}}</p>{{/problem}}
        <dl class="summary">
        {{#pairs}}<dt>{{label}}</dt><dd>{{value}}</dd>
        {{/pairs}}
        </dl>
        <table>
        <caption>{{historyTitle}}</caption>
        <thead><tr>{{#headers}}<th>{{.}}</th>{{/headers}}</tr></thead>
        <tbody>
        {{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
        {{/rows}}
        </tbody>
        </table>
        {{#actions}}<form method="post" action="{{action}}" class="filters lifecycle">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#inputs}}{{#text}}<label>{{label}} <input name="{{name}}" placeholder="{{placeholder}}" value="{{value}}"{{#invalid}} aria-invalid="true"{{/invalid}}>\
        {{#errors}} <span class="error" data-field="{{name}}">{{.}}</span>{{/errors}}</label>{{/text}}\
        {{#select}}<label>{{label}} <select name="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>\
        {{#errors}} <span class="error" data-field="{{name}}">{{.}}</span>{{/errors}}</label>{{/select}}\
        {{#checkbox}}<label><input type="checkbox" name="{{name}}" value="true"{{#checked}} checked{{/checked}}> {{label}}</label>{{/checkbox}}{{/inputs}}
        <button>{{label}}</button>
        </form>
        {{/actions}}
        """)

    static let formTemplate = try! MustacheTemplate(string: """
        <h1>{{title}}</h1>
        {{#general}}<p class="error">{{.}}</p>{{/general}}
        <form method="post" action="/register" class="entry">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#fields}}<label>{{label}} <input name="{{key}}" type="{{type}}" value="{{value}}" placeholder="{{placeholder}}"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{#errors}}<span class="error" data-field="{{key}}">{{.}}</span>{{/errors}}</label>
        {{/fields}}
        <label>{{unitLabel}} <select name="unit">{{#units}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/units}}</select></label>
        {{#flags}}<label><span><input type="checkbox" name="{{key}}" value="true"{{#checked}} checked{{/checked}}> {{label}}</span>
        {{#errors}}<span class="error" data-field="{{key}}">{{.}}</span>{{/errors}}</label>
        {{/flags}}
        <button>{{submit}}</button>
        </form>
        """)
}
