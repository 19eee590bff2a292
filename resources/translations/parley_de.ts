<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AppController</name>
    <message>
        <location filename="../../ui/app_controller.cpp" line="42"/>
        <source>Sign-in cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/app_controller.cpp" line="90"/>
        <source>The connection dropped (%1); trying again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/app_controller.cpp" line="93"/>
        <source>You left the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/app_controller.cpp" line="137"/>
        <source>Some saved settings were not understood and were reset to their defaults:
%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/app_controller.cpp" line="165"/>
        <source>Choose your deployment&apos;s CA certificate file in Settings first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../ui/chat_view.cpp" line="34"/>
        <source>Chat messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="37"/>
        <source>Write a message and press Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="39"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="40"/>
        <source>S&amp;end</source>
        <translation>S&amp;enden</translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="45"/>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="115"/>
        <source>— new messages —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="120"/>
        <source>from the room&apos;s history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="129"/>
        <location filename="../../ui/chat_view.cpp" line="150"/>
        <source>(sending…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="130"/>
        <source>Not yet stored by the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/chat_view.cpp" line="160"/>
        <source>(not sent: %1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionProbe</name>
    <message>
        <location filename="../../ui/connection_probe.cpp" line="41"/>
        <source>The CA certificate file &quot;%1&quot; cannot be used: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_probe.cpp" line="86"/>
        <source>Connected: %1; the server answered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_probe.cpp" line="92"/>
        <source>No route reached the server: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KeychainStore</name>
    <message>
        <location filename="../../ui/secret_store.cpp" line="13"/>
        <source>The system keychain is not available (%1); the password is not remembered.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MeetingWindow</name>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="66"/>
        <source>Participants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="81"/>
        <source>Meeting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="85"/>
        <source>Arrives with the media update: Parley carries chat only for now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="86"/>
        <source>&amp;Mute</source>
        <translation>&amp;Stummschalten</translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="89"/>
        <source>Ctrl+D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="91"/>
        <source>Microphone: no audio yet. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="92"/>
        <source>&amp;Camera</source>
        <translation>&amp;Kamera</translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="95"/>
        <source>Ctrl+E</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="97"/>
        <source>Camera: off. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="98"/>
        <source>S&amp;hare screen</source>
        <translation>Bildschirm &amp;teilen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="101"/>
        <source>Share a screen or window. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="103"/>
        <source>Se&amp;ttings…</source>
        <translation>Ein&amp;stellungen…</translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="107"/>
        <source>&amp;Leave</source>
        <translation>&amp;Verlassen</translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="109"/>
        <source>Ctrl+W</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="126"/>
        <source>Connected %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="132"/>
        <source>Room: %1</source>
        <translation>Raum: %1</translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="135"/>
        <source>Reconnected; messages sent meanwhile follow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="145"/>
        <source>%1 joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="152"/>
        <source>%1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="153"/>
        <source>%1 left (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="162"/>
        <source>Reconnecting… the connection dropped (%1); next try in %2 s. Messages you write are sent when it is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="186"/>
        <source>Parley</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/meeting_window.cpp" line="186"/>
        <source>%1 — Parley</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ParticipantModel</name>
    <message>
        <location filename="../../ui/participant_model.cpp" line="73"/>
        <source>%1 (you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/participant_model.cpp" line="76"/>
        <source>no audio yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/participant_model.cpp" line="78"/>
        <source>not sharing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/participant_model.cpp" line="80"/>
        <source>relayed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/participant_model.cpp" line="86"/>
        <source>Voice, camera and screen sharing arrive with the media update; until then Parley carries chat only, relayed by the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/participant_model.cpp" line="106"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/participant_model.cpp" line="108"/>
        <source>Audio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/participant_model.cpp" line="110"/>
        <source>Screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/participant_model.cpp" line="112"/>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProxyAuthDialog</name>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="17"/>
        <source>Proxy authentication</source>
        <translation>Proxy-Anmeldung</translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="30"/>
        <source>The proxy &lt;b&gt;%1&lt;/b&gt; asks you to sign in (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="33"/>
        <source>The credentials you are logged in with were not accepted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="36"/>
        <source>The proxy &lt;b&gt;%1&lt;/b&gt; asks for a user name and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="38"/>
        <source>Realm: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Bereich: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="41"/>
        <source>The last user name and password were not accepted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="53"/>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="54"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="58"/>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="59"/>
        <source>&amp;Domain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="61"/>
        <source>&amp;Remember in the system keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/proxy_auth_dialog.cpp" line="66"/>
        <source>&amp;Sign in to proxy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RaceTableModel</name>
    <message>
        <location filename="../../ui/race_table_model.cpp" line="99"/>
        <source>connected (winner)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/race_table_model.cpp" line="101"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/race_table_model.cpp" line="137"/>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/race_table_model.cpp" line="139"/>
        <source>Via</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/race_table_model.cpp" line="141"/>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/race_table_model.cpp" line="143"/>
        <source>Stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/race_table_model.cpp" line="145"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/race_table_model.cpp" line="147"/>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SessionBridge</name>
    <message>
        <location filename="../../ui/session_bridge.cpp" line="115"/>
        <source>The CA certificate file &quot;%1&quot; cannot be used: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="55"/>
        <source>Connection settings — Parley</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="63"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="64"/>
        <source>parley.example.org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="65"/>
        <source>Server port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="66"/>
        <source>Alternative port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="67"/>
        <location filename="../../ui/settings_dialog.cpp" line="71"/>
        <source>CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="68"/>
        <source>the deployment&apos;s ca.crt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="69"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="72"/>
        <source>Certificates (*.crt *.pem);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="80"/>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="81"/>
        <source>&amp;Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="82"/>
        <source>&amp;Alternative port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="83"/>
        <source>&amp;CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="86"/>
        <source>Parley trusts only your deployment&apos;s certificate authority: a certificate from anyone else means the traffic is being inspected, and Parley refuses it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="92"/>
        <source>Se&amp;rver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="97"/>
        <source>A&amp;uto-detect settings (system, environment, WPAD/PAC, web-proxy:8088)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="101"/>
        <source>Detected: run Test connection to see what is found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="104"/>
        <source>Use this &amp;HTTP proxy:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="106"/>
        <source>Proxy host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="107"/>
        <source>Proxy port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="113"/>
        <source>PAC URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="114"/>
        <source>optional: http://wpad.example.org/proxy.pac</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="118"/>
        <source>HTTP proxy host name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="119"/>
        <source>P&amp;AC URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="120"/>
        <source>&amp;Web proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="127"/>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="127"/>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="127"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="130"/>
        <source>SOCKS servers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="131"/>
        <source>A&amp;dd</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="133"/>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="152"/>
        <source>SOCKS servers, tried at the same time as everything else. SOCKS4a and SOCKS5 let the server resolve the name (no DNS leak).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="158"/>
        <source>S&amp;OCKS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="163"/>
        <source>Proxy user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="164"/>
        <source>Proxy password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="166"/>
        <source>Proxy domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="167"/>
        <source>optional (NTLM, Negotiate)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="171"/>
        <source>Leave blank until a proxy asks. Windows and Kerberos sign-in is tried first; the password is kept in the system keychain, never in a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="175"/>
        <source>User &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="176"/>
        <source>Pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="177"/>
        <source>Do&amp;main:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="179"/>
        <source>Proxy si&amp;gn-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="189"/>
        <source>Connection attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="190"/>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="386"/>
        <source>Testing every route…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="410"/>
        <source>Detected: no proxy; direct routes only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.cpp" line="411"/>
        <source>Detected: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsStore</name>
    <message>
        <location filename="../../ui/settings_store.cpp" line="92"/>
        <source>The settings file %1 could not be read; defaults are used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_store.cpp" line="140"/>
        <source>The saved SOCKS server list was not understood; the default is used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/settings_store.cpp" line="177"/>
        <source>The settings could not be written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInWindow</name>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="31"/>
        <source>Sign in — Parley</source>
        <translation>Anmelden — Parley</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="37"/>
        <source>&lt;b&gt;Parley&lt;/b&gt;&lt;br&gt;Sign in to your conference server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="47"/>
        <source>parley.example.org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="55"/>
        <source>&amp;Remember my password (system keychain)</source>
        <translation>Passwort &amp;merken (Schlüsselbund des Systems)</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="58"/>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="59"/>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="60"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="61"/>
        <source>R&amp;oom:</source>
        <translation>R&amp;aum:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="64"/>
        <source>&amp;Sign in</source>
        <translation>&amp;Anmelden</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="68"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="70"/>
        <source>Se&amp;ttings…</source>
        <translation>Ein&amp;stellungen…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="99"/>
        <source>Connection attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="109"/>
        <source>Connection attempts:</source>
        <translation>Verbindungsversuche:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="156"/>
        <source>Enter your user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="157"/>
        <source>Enter your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="181"/>
        <source>Signing in: trying every route at once…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="197"/>
        <source>Enter &amp;proxy credentials…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_window.cpp" line="201"/>
        <source>Open &amp;settings…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <location filename="../../ui/video_tile.cpp" line="12"/>
        <source>%1, camera off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_tile.cpp" line="44"/>
        <source>%1 (you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/video_tile.cpp" line="46"/>
        <source>camera off</source>
        <translation>Kamera aus</translation>
    </message>
</context>
<context>
    <name>parley::ui</name>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="17"/>
        <source>starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="19"/>
        <source>name resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="21"/>
        <source>TCP connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="23"/>
        <source>proxy asks for a password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="25"/>
        <source>tunnel up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="27"/>
        <source>TLS done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="29"/>
        <source>connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="31"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="33"/>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="40"/>
        <source>Direct</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="43"/>
        <location filename="../../ui/connection_settings.cpp" line="102"/>
        <source>HTTP proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="60"/>
        <source>direct to %1:%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="62"/>
        <source>via %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="70"/>
        <source>%1, %2 %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="78"/>
        <source>The server did not accept this user name and password. Check them and sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="82"/>
        <source>Too many sign-in attempts. Wait a minute, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="85"/>
        <source>The server does not accept this room name: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="89"/>
        <source>This version of Parley cannot talk to the server (%1). Update Parley.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="97"/>
        <location filename="../../ui/attempt_text.cpp" line="105"/>
        <source>Your network inspects encrypted traffic (%1). Parley does not allow that. Use another network, or ask your administrator to let Parley through without inspection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="114"/>
        <source>Proxy %1 requires authentication. Enter the user name and password your organisation gave you for it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="123"/>
        <source>The secure connection could not be set up (%1). Check the CA certificate file in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/attempt_text.cpp" line="129"/>
        <source>Parley could not reach the server by any route (direct, web proxies, SOCKS). Check the server name and ports; if your network needs a proxy, set it in Settings. (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="21"/>
        <source>Enter a host name or address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="24"/>
        <source>A host name has at most 253 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="38"/>
        <source>&quot;%1&quot; is not a valid host name (letters, digits, hyphens and dots; no spaces or ports).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="48"/>
        <location filename="../../ui/connection_settings.cpp" line="57"/>
        <source>A port is a number from 1 to 65535.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="70"/>
        <source>A PAC URL starts with http://, https:// or file://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="73"/>
        <source>The PAC URL has no host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="81"/>
        <source>Enter the room to join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="84"/>
        <source>A room name has at most 64 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="97"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="99"/>
        <source>Server port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="100"/>
        <source>Alternative port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="103"/>
        <source>HTTP proxy port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="105"/>
        <source>PAC URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="107"/>
        <source>SOCKS server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="108"/>
        <source>SOCKS port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="110"/>
        <source>SOCKS version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/connection_settings.cpp" line="110"/>
        <source>Choose SOCKS4, SOCKS4a or SOCKS5.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>parley::ui::Reader</name>
    <message>
        <location filename="../../ui/settings_store.cpp" line="66"/>
        <source>The saved setting &quot;%1&quot; was not understood; the default is used.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
